// Blob uploads (distribution-spec v1.1 §Pushing blobs): skip blobs the repository has, mount from another
// repository when told where the blob is, else POST a session and either PUT the whole blob (small blobs)
// or PATCH it in chunks with Content-Range, asking the registry where it stands after a failed chunk and
// resuming from there. The content is re-read from the blob for every attempt and verified as it goes;
// its bytes are reported as they go out (progress.ts).
import { type Blob, verifiedContent } from '../../oci/index.ts';
import { ByteQueue, PithError } from '../../util/index.ts';
import { push, type RegistryClient } from './client.ts';
import { type OnProgress, withProgress } from './progress.ts';

export interface UploadOptions {
  /** Another repository of the same registry that has the blob (cross-repository mount). */
  mountFrom?: string;
  /** Blobs up to this size go up in one PUT; larger ones in chunks of this size (default 256 MiB). */
  chunkSize?: number;
  /** Hears the bytes of each blob as they are sent (throttled). */
  onProgress?: OnProgress;
}

const MAX_RESUMES = 5;
/**
 * Blobs up to this size go up in one streamed PUT (one round trip, as skopeo does); larger ones in
 * chunks of this size, so that a failure costs at most one chunk.
 */
const DEFAULT_CHUNK = 256 << 20;
/** A chunk goes out in slices of this size, so that its progress can be seen. */
const SLICE = 1 << 20;

/** Makes sure the repository has the blob; resolves how it got there. */
export async function uploadBlob(
  client: RegistryClient,
  repo: string,
  blob: Blob,
  opts: UploadOptions = {},
): Promise<'present' | 'mounted' | 'uploaded'> {
  const { digest } = blob.descriptor;
  if (await client.hasBlob(repo, digest)) return 'present';
  let location = await startSession(client, repo, digest, opts.mountFrom);
  if (location === 'mounted') return 'mounted';
  const chunk = opts.chunkSize ?? DEFAULT_CHUNK;
  if (blob.descriptor.size <= chunk) {
    const put = await client.transport.request({
      method: 'PUT',
      path: withDigest(location, digest),
      headers: { 'content-type': 'application/octet-stream' },
      body: () => withProgress(verifiedContent(blob), blob.descriptor, opts.onProgress),
      scope: push(repo),
      expect: [201],
    });
    await put.drain();
    return 'uploaded';
  }
  location = await chunked(client, repo, blob, location, chunk, opts);
  const put = await client.transport.request({
    method: 'PUT',
    path: withDigest(location, digest),
    scope: push(repo),
    expect: [201],
  });
  await put.drain();
  return 'uploaded';
}

async function startSession(
  client: RegistryClient,
  repo: string,
  digest: string,
  mountFrom?: string,
): Promise<string | 'mounted'> {
  const query = mountFrom ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(mountFrom)}` : '';
  const res = await client.transport.request({
    method: 'POST',
    path: `/v2/${repo}/blobs/uploads/${query}`,
    scope: mountFrom ? `${push(repo)} repository:${mountFrom}:pull` : push(repo),
    expect: [201, 202],
  });
  await res.drain();
  if (res.status === 201 && mountFrom) return 'mounted';
  return location(res.headers.get('location'), client.where(repo));
}

async function chunked(
  client: RegistryClient,
  repo: string,
  blob: Blob,
  start: string,
  chunk: number,
  opts: UploadOptions,
): Promise<string> {
  const size = blob.descriptor.size;
  let source = new ByteQueue(blob.open());
  let at = 0;
  let loc = start;
  let resumes = 0;
  while (at < size) {
    // one sequential pass over the blob; only a resume re-opens it and skips to the registry's offset
    const data = await source.readUpTo(Math.min(chunk, size - at));
    const from = at;
    try {
      const res = await client.transport.request({
        method: 'PATCH',
        path: loc,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(data.length),
          'content-range': `${at}-${at + data.length - 1}`,
        },
        body: () => withProgress(slices(data), blob.descriptor, opts.onProgress, from),
        scope: push(repo),
        expect: [202],
      });
      await res.drain();
      loc = location(res.headers.get('location'), client.where(repo));
      at += data.length;
    } catch (err) {
      if (++resumes > MAX_RESUMES) throw err;
      ({ at, loc } = await status(client, repo, loc));
      await source.close();
      source = new ByteQueue(blob.open());
      await source.skip(at);
    }
  }
  await source.close();
  return loc;
}

async function* slices(data: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += SLICE) yield data.subarray(i, i + SLICE);
}

/** GET on the upload session: where the registry's copy ends (Range: 0-<last>). */
async function status(
  client: RegistryClient,
  repo: string,
  loc: string,
): Promise<{ at: number; loc: string }> {
  const res = await client.transport.request({ method: 'GET', path: loc, scope: push(repo), expect: [204] });
  const m = /^0-(\d+)$/.exec(res.headers.get('range') ?? '');
  return {
    at: m ? Number(m[1]) + 1 : 0,
    loc: location(res.headers.get('location') ?? loc, client.where(repo)),
  };
}

/** A Location header as a path+query on the registry (absolute same-registry URLs are reduced). */
function location(header: string | null, where: string): string {
  if (!header)
    throw new PithError('io', 'NO_LOCATION', `${where}: upload answered without a Location header`);
  const url = new URL(header, 'http://registry.invalid');
  return `${url.pathname}${url.search}`;
}

function withDigest(loc: string, digest: string): string {
  return `${loc}${loc.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}
