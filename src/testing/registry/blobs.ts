// Blob reads and deletes: HEAD and GET /v2/<name>/blobs/<digest> (with single byte ranges, and a 307 to
// redirectBlobsTo when set), DELETE, and GET /blob/<digest>, the unauthenticated "storage" endpoint that a
// redirect lands on. Blobs are one registry-wide map (as in ggcr's registry), visible from every repository.
import { blobUnknown, RegistryError } from './errors.ts';
import { flipOneByte, requireDigest, send } from './http.ts';
import type { Exchange, RegistryState } from './types.ts';

/** HEAD or GET a blob through the distribution API. */
export function getBlob(state: RegistryState, ex: Exchange, rawDigest: string): void {
  const digest = requireDigest(rawDigest);
  const bytes = state.blobs.get(digest);
  if (!bytes) throw blobUnknown(digest);
  if (ex.method === 'GET' && state.redirectBlobsTo !== undefined) {
    const location = `${state.redirectBlobsTo.replace(/\/+$/, '')}/blob/${digest}`;
    send(ex.res, 307, { Location: location, 'Docker-Content-Digest': digest });
    return;
  }
  serveBytes(ex, digest, bytes);
}

/** HEAD or GET /blob/<digest>: the redirect target, served without authentication. */
export function getStorageBlob(state: RegistryState, ex: Exchange, rawDigest: string): void {
  if (ex.method !== 'GET' && ex.method !== 'HEAD') {
    throw new RegistryError(405, 'UNSUPPORTED', 'storage is read-only', { headers: { Allow: 'GET, HEAD' } });
  }
  const digest = requireDigest(rawDigest);
  const bytes = state.blobs.get(digest);
  if (!bytes) throw blobUnknown(digest);
  serveBytes(ex, digest, bytes);
}

/** DELETE a blob: 202, or 404 when unknown. */
export function deleteBlob(state: RegistryState, ex: Exchange, rawDigest: string): void {
  const digest = requireDigest(rawDigest);
  if (!state.blobs.delete(digest)) throw blobUnknown(digest);
  send(ex.res, 202, { 'Docker-Content-Digest': digest });
}

function serveBytes(ex: Exchange, digest: string, stored: Buffer): void {
  const bytes = ex.corrupt ? flipOneByte(stored) : stored;
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
  };
  const range = ex.method === 'GET' ? parseRange(ex.req.headers.range, bytes.length) : undefined;
  if (range === 'unsatisfiable') {
    throw new RegistryError(416, 'RANGE_INVALID', 'requested range not satisfiable', {
      headers: { 'Content-Range': `bytes */${bytes.length}` },
    });
  }
  if (range) {
    const [start, end] = range;
    headers['Content-Range'] = `bytes ${start}-${end}/${bytes.length}`;
    send(ex.res, 206, headers, bytes.subarray(start, end + 1));
    return;
  }
  if (ex.method === 'HEAD') send(ex.res, 200, headers, undefined, bytes.length);
  else send(ex.res, 200, headers, bytes);
}

/**
 * One `bytes=` range (RFC 9110 §14.1.2) as inclusive [start, end]; undefined when absent or not a single
 * byte range (the whole blob is served then), 'unsatisfiable' when it lies past the end.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return [start, end];
}
