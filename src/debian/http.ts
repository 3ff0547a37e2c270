// HTTP GET for the Debian mirror: bounded timeouts, retries with backoff on 5xx/429 and connection
// failures (Retry-After honoured), a size cap, and errors that name the URL. Redirects are followed only
// to http(s) URLs; nothing here ever carries credentials.
import { messageOf, PithError } from '../util/index.ts';

export interface FetchOptions {
  /** Refuse bodies larger than this many bytes. */
  maxBytes?: number;
  /** Attempts in all (default 4). */
  attempts?: number;
  /** Timeout of one attempt in ms (default 60 s). */
  timeoutMs?: number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** GETs a URL into memory; resolves undefined for 404/410 (absent files are normal in a mirror). */
export async function fetchBytes(url: string, opts: FetchOptions = {}): Promise<Buffer | undefined> {
  const attempts = opts.attempts ?? 4;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(backoff(i, last));
    try {
      return await once(url, opts);
    } catch (err) {
      last = err;
      if (!(err instanceof Retryable)) throw err;
    }
  }
  throw new PithError('io', 'FETCH_FAILED', `${url}: ${messageOf(last)} (after ${attempts} attempts)`, {
    cause: last,
  });
}

class Retryable extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

async function once(url: string, opts: FetchOptions): Promise<Buffer | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000), redirect: 'follow' });
  } catch (err) {
    throw new Retryable(`cannot connect: ${messageOf((err as Error).cause ?? err)}`);
  }
  if (res.status === 404 || res.status === 410) {
    await res.body?.cancel();
    return undefined;
  }
  if (RETRYABLE.has(res.status)) {
    await res.body?.cancel();
    throw new Retryable(`HTTP ${res.status}`, retryAfter(res.headers.get('retry-after')));
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new PithError('io', 'FETCH_FAILED', `${url}: HTTP ${res.status} ${res.statusText}`);
  }
  return readCapped(res, url, opts.maxBytes ?? 1 << 30);
}

async function readCapped(res: Response, url: string, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > max)
    throw new PithError('io', 'TOO_LARGE', `${url}: ${declared} bytes is over the ${max}-byte limit`);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of res.body ?? []) {
      size += c.length;
      if (size > max) throw new PithError('io', 'TOO_LARGE', `${url}: more than ${max} bytes`);
      parts.push(Buffer.from(c));
    }
  } catch (err) {
    if (err instanceof PithError) throw err;
    throw new Retryable(`connection lost: ${messageOf(err)}`);
  }
  return Buffer.concat(parts, size);
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.min(s * 1000, 30_000);
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.min(Math.max(0, t - Date.now()), 30_000);
}

function backoff(attempt: number, err: unknown): number {
  if (err instanceof Retryable && err.retryAfterMs !== undefined) return err.retryAfterMs;
  return Math.min(250 * 2 ** (attempt - 1), 4000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
