// Bodies that fail mid-way (reset, premature close, broken chunked framing, idle timeout) are asked for
// again, within the attempt budget and backoff of every other retry (retry.ts). Small bodies are read
// again whole. Blob streams continue from the byte they stopped at: `Range: bytes=N-` (unless the server
// said `Accept-Ranges: none`), used when the answer is a 206 whose Content-Range starts at or before N;
// a 200 restarts from zero and the bytes already delivered are skipped. Either way the caller sees one
// unbroken byte sequence and verifies its digest as usual. When attempts run out: one final RegistryError.
import { PithError, parseContentRange } from '../../../util/index.ts';
import { connectionLost, redactUrl } from './errors.ts';
import type { RegistryResponse } from './response.ts';
import { backoffMs, pause, type RetryPolicy, reasonOf, retryableNetworkError } from './retry.ts';

/** Sends `method` once more and resolves with its response (the transport's own retries included). */
export type Resend = (headers: Record<string, string>) => Promise<RegistryResponse>;

/** Sends, then `consume`s the body; a body that fails mid-way is asked for again, whole. */
export async function readRetrying<T>(
  method: string,
  policy: RetryPolicy,
  send: Resend,
  consume: (res: RegistryResponse) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    const res = await send({});
    try {
      return await consume(res);
    } catch (err) {
      if (!retryableNetworkError(err)) throw err;
      if (n >= policy.attempts) throw lost(method, res.url, err, res.received, declaredLength(res), n);
      await pause(policy, n, reasonOf(err), backoffMs(n));
    }
  }
}

/** A GET's body as Buffers, resumed where it stopped when the connection fails. */
export async function* resumingBody(
  method: string,
  policy: RetryPolicy,
  send: Resend,
  size?: number,
): AsyncGenerator<Buffer> {
  let got = 0;
  let ranges = true;
  let total = size;
  for (let n = 1; ; n++) {
    const res = await send(got > 0 && ranges ? { range: `bytes=${got}-` } : {});
    if (n === 1) {
      ranges = res.headers.get('accept-ranges')?.trim().toLowerCase() !== 'none';
      total ??= declaredLength(res);
    }
    let skip = got > 0 ? alreadySent(res, got, method) : 0;
    try {
      if (!res.body) throw new PithError('io', 'EMPTY_BODY', `${method} ${redactUrl(res.url)}: no body`);
      for await (const c of res.body) {
        const chunk = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
        if (skip >= chunk.length) {
          skip -= chunk.length;
          continue;
        }
        const fresh = skip > 0 ? chunk.subarray(skip) : chunk;
        skip = 0;
        got += fresh.length;
        yield fresh;
      }
      return; // a restart shorter than what was delivered ends here; the digest check refuses it
    } catch (err) {
      if (!retryableNetworkError(err)) throw err;
      if (total !== undefined && got >= total) return; // every byte arrived; only the framing broke after
      if (n >= policy.attempts) throw lost(method, res.url, err, got, total, n);
      await pause(policy, n, reasonOf(err), backoffMs(n));
    }
  }
}

/** How many leading bytes of a resumed answer were delivered before: 0 for a 206 from `got`. */
function alreadySent(res: RegistryResponse, got: number, method: string): number {
  if (res.status !== 206) return got; // the whole body again
  const start = parseContentRange(res.headers.get('content-range'))?.start ?? Number.NaN;
  if (!(start <= got)) {
    throw new PithError(
      'io',
      'BAD_RANGE',
      `${method} ${redactUrl(res.url)}: asked for bytes from ${got}, the registry answered ${res.headers.get('content-range') ?? 'no Content-Range'}`,
    );
  }
  return got - start;
}

function declaredLength(res: RegistryResponse): number | undefined {
  const n = Number(res.headers.get('content-length') ?? Number.NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function lost(
  method: string,
  url: string,
  cause: unknown,
  received: number,
  total: number | undefined,
  attempts: number,
) {
  return connectionLost({ method, url, cause, received, total, attempts, reason: describe(cause) });
}

/** `ECONNRESET`, `ETIMEDOUT: no data for 30 s`, `HPE_INVALID_CHUNK_SIZE: Parse Error: …`. */
function describe(err: unknown): string {
  const code = reasonOf(err);
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code !== code) continue;
    return e.message && !e.message.includes(code) && e.message !== 'aborted' ? `${code}: ${e.message}` : code;
  }
  return code;
}
