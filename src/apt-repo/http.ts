// HTTP GET for the Debian mirror: an idle timeout (no byte for a while fails the attempt; a large .deb on a
// slow link is fine while bytes flow), retries with backoff on 5xx/429 and on connections that fail before
// or during the body (Retry-After honoured), a body cut short resumed with `Range: bytes=N-` when the
// mirror answers 206 (else read again from the start), a size cap, and one error naming the URL and how far
// it got when attempts run out. The npm registry's metadata and tarballs are fetched the same way. Each
// attempt is one node:http GET (http-get.ts): redirects are followed only to http(s) URLs, and nothing here
// carries credentials. Callers verify the hash of the whole file. A body goes to memory (fetchBytes) or,
// never held whole, to a file, hashed as it is written (fetchToFile): a part kept over a resumed attempt is
// in the file, and an answer from the start truncates it.

import { createHash, type Hash } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import {
  abortedError,
  asSystemError,
  backoffMs,
  DEFAULT_ATTEMPTS,
  DEFAULT_IDLE_TIMEOUT_MS,
  messageOf,
  PithError,
  parseContentRange,
  parseRetryAfter,
  pause,
  type RetryInfo,
  type RetryPolicy,
  redactUrl,
  streamed,
} from '../util/index.ts';
import { type Answer, httpGet } from './http-get.ts';

/** What every request to a mirror is told by its caller: the idle timeout and the cancel signal. */
export interface NetworkOptions {
  /** No byte for this many ms fails the attempt (default 30 s). */
  idleTimeoutMs?: number | undefined;
  /** Cancels the request in flight and the wait between attempts. */
  signal?: AbortSignal | undefined;
  /** Waits between attempts (default: a timer the signal cancels); tests pass one that returns at once. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Hears each failed attempt that will be retried. */
  onRetry?: ((info: RetryInfo & { url: string }) => void) | undefined;
}

export interface FetchOptions extends NetworkOptions {
  /** Refuse bodies larger than this many bytes. */
  maxBytes?: number;
  /** Attempts in all (default 4). */
  attempts?: number;
  /** The Accept header (e.g. npm's abbreviated metadata, application/vnd.npm.install-v1+json). */
  accept?: string;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** GETs a URL into memory; resolves undefined for 404/410 (absent files are normal in a mirror). */
export async function fetchBytes(url: string, opts: FetchOptions = {}): Promise<Buffer | undefined> {
  const got = await fetchWith(url, opts, {}, new MemorySink());
  return got.status === 'ok' ? got.body : undefined;
}

/** What fetchToFile wrote: the whole file's size and sha256 (hex). */
export interface Written {
  size: number;
  sha256: string;
}

/**
 * GETs a URL into the file at `path` (created or truncated), hashing it as it is written; resolves
 * undefined for 404/410. The file holds what arrived, also when this fails: the caller removes it.
 */
export async function fetchToFile(
  url: string,
  path: string,
  opts: FetchOptions = {},
): Promise<Written | undefined> {
  const sink = new FileSink(path);
  try {
    const got = await fetchWith(url, opts, {}, sink);
    return got.status === 'ok' ? got.body : undefined;
  } finally {
    sink.close();
  }
}

/** What a cached copy of a URL is validated by (RFC 9110 §13.1). */
export interface Validators {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/** The answer to a conditional GET. */
export type ConditionalResult<T = Buffer> =
  | { status: 'ok'; body: T; etag?: string; lastModified?: string }
  | { status: 'not-modified' }
  | { status: 'absent' };

/** A conditional GET (If-None-Match / If-Modified-Since from `validators`): 304 says the cached copy holds. */
export function fetchConditional(
  url: string,
  validators: Validators,
  opts: FetchOptions = {},
): Promise<ConditionalResult> {
  const headers: Record<string, string> = {};
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  return fetchWith(url, opts, headers, new MemorySink());
}

async function fetchWith<T>(
  url: string,
  opts: FetchOptions,
  headers: Record<string, string>,
  got: Sink<T>,
): Promise<ConditionalResult<T>> {
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  const policy: RetryPolicy = {
    attempts,
    signal: opts.signal,
    sleep: opts.sleep,
    onRetry: opts.onRetry && ((info) => opts.onRetry?.({ ...info, url: redactUrl(url) })),
  };
  const sent = opts.accept ? { ...headers, accept: opts.accept } : headers;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await pause(policy, i, messageOf(last), backoff(i, last));
    try {
      return await once(url, opts, got, sent);
    } catch (err) {
      if (opts.signal?.aborted) throw abortedError(opts.signal, `GET ${redactUrl(url)}`);
      last = err;
      if (!(err instanceof Retryable)) throw err;
    }
  }
  const after = attempts > 1 ? `; gave up after ${attempts} attempts` : '';
  throw new PithError('io', 'FETCH_FAILED', `GET ${redactUrl(url)}: ${messageOf(last)}${after}`, {
    cause: last,
  });
}

class Retryable extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Where the body bytes received so far go, over attempts. */
abstract class Sink<T> {
  size = 0;
  /** The whole file's size, once an answer said it. */
  total: number | undefined;

  /** Drops what arrived (the next answer starts from the beginning). */
  abstract reset(): void;
  abstract add(chunk: Buffer): void;
  /** The body, once it is complete. */
  abstract result(): T;
}

/** The body in memory. */
class MemorySink extends Sink<Buffer> {
  parts: Buffer[] = [];

  reset(): void {
    this.parts = [];
    this.size = 0;
  }

  add(chunk: Buffer): void {
    this.parts.push(chunk);
    this.size += chunk.length;
  }

  result(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/**
 * The body in a file, hashed as it is written (writes are synchronous: a few KiB at a time, in order). A
 * failure to write the file is CACHE_UNWRITABLE, never taken for a network fault and retried.
 */
class FileSink extends Sink<Written> {
  readonly #path: string;
  readonly #fd: number;
  #hash: Hash = createHash('sha256');

  constructor(path: string) {
    super();
    this.#path = path;
    this.#fd = this.#io('create', () => openSync(path, 'w'));
  }

  reset(): void {
    this.#io('truncate', () => ftruncateSync(this.#fd, 0));
    this.#hash = createHash('sha256');
    this.size = 0;
  }

  add(chunk: Buffer): void {
    this.#io('write', () => {
      for (let at = 0; at < chunk.length; )
        at += writeSync(this.#fd, chunk, at, chunk.length - at, this.size + at);
    });
    this.#hash.update(chunk);
    this.size += chunk.length;
    streamed(chunk.length);
  }

  #io<T>(action: string, run: () => T): T {
    try {
      return run();
    } catch (err) {
      const sys = asSystemError(err, { action: `${action} ${this.#path}`, writing: true });
      throw new PithError('io', 'CACHE_UNWRITABLE', messageOf(sys), { cause: sys });
    }
  }

  result(): Written {
    return { size: this.size, sha256: this.#hash.copy().digest('hex') };
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** Aborts a fetch when no byte came for `ms`; every byte that comes starts the wait again. */
class IdleTimer {
  readonly #ac = new AbortController();
  readonly #timer: NodeJS.Timeout;

  constructor(ms: number) {
    const err = Object.assign(new Error(`no data for ${Math.round(ms / 100) / 10} s`), { code: 'ETIMEDOUT' });
    this.#timer = setTimeout(() => this.#ac.abort(err), ms);
  }

  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  touch(): void {
    this.#timer.refresh();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

/** One attempt: the rest of the file from `got.size` on, appended to `got`. */
async function once<T>(
  url: string,
  opts: FetchOptions,
  got: Sink<T>,
  headers: Record<string, string>,
): Promise<ConditionalResult<T>> {
  const idle = new IdleTimer(opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  try {
    const signal = opts.signal ? AbortSignal.any([opts.signal, idle.signal]) : idle.signal;
    const res = await send(url, got.size, signal, headers);
    if (res.status === 404 || res.status === 410) {
      res.cancel();
      return { status: 'absent' };
    }
    if (res.status === 304 && (headers['if-none-match'] || headers['if-modified-since'])) {
      res.cancel();
      return { status: 'not-modified' };
    }
    if (RETRYABLE.has(res.status)) {
      res.cancel();
      throw new Retryable(`HTTP ${res.status}`, {
        retryAfterMs: parseRetryAfter(res.header('retry-after')),
      });
    }
    if (res.status < 200 || res.status > 299) {
      res.cancel();
      throw new PithError(
        'io',
        'FETCH_FAILED',
        `GET ${redactUrl(url)}: HTTP ${res.status} ${res.statusText}`,
      );
    }
    try {
      continueFrom(res, got);
      await readInto(res, got, url, opts.maxBytes ?? 1 << 30, idle);
    } catch (err) {
      res.cancel(); // an unread body would hold its connection (and the process) open
      throw err;
    }
    const etag = res.header('etag');
    const lastModified = res.header('last-modified');
    return {
      status: 'ok',
      body: got.result(),
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  } finally {
    idle.stop();
  }
}

/** GET, asking for the bytes from `from` on when some arrived before. */
async function send(
  url: string,
  from: number,
  signal: AbortSignal,
  conditional: Record<string, string>,
): Promise<Answer> {
  const headers: Record<string, string> = from > 0 ? { range: `bytes=${from}-` } : { ...conditional };
  try {
    return await httpGet(url, headers, signal);
  } catch (err) {
    // a URL that cannot be fetched (not http(s), credentials) is the caller's mistake: not retried
    if (err instanceof PithError) throw err;
    throw new Retryable(`cannot connect: ${reason(err)}`, { cause: err });
  }
}

/** Keeps what arrived when the answer is a 206 from there; starts again from zero on a 200. */
function continueFrom<T>(res: Answer, got: Sink<T>): void {
  const range = parseContentRange(res.header('content-range'));
  if (res.status === 206) {
    if (range?.start === got.size && range.total !== undefined) {
      got.total = range.total;
      return;
    }
    const asked = got.size;
    got.reset(); // not the part asked for: the next attempt asks for the whole file
    res.cancel();
    throw new Retryable(`asked for bytes from ${asked}, got ${res.header('content-range')}`);
  }
  got.reset();
  const length = Number(res.header('content-length') ?? Number.NaN);
  got.total = res.status === 200 && Number.isSafeInteger(length) ? length : undefined;
}

async function readInto<T>(res: Answer, got: Sink<T>, url: string, max: number, idle: IdleTimer) {
  if (got.total !== undefined && got.total > max)
    throw new PithError(
      'io',
      'TOO_LARGE',
      `${redactUrl(url)}: ${got.total} bytes is over the ${max}-byte limit`,
    );
  try {
    for await (const c of res.body) {
      idle.touch();
      if (got.size + c.length > max) {
        res.cancel();
        throw new PithError('io', 'TOO_LARGE', `${redactUrl(url)}: more than ${max} bytes`);
      }
      got.add(c);
    }
  } catch (err) {
    if (err instanceof PithError) throw err;
    const of = got.total === undefined ? '' : ` of ${got.total}`;
    throw new Retryable(`connection lost after ${got.size}${of} bytes (${reason(err)})`, { cause: err });
  }
}

/** The innermost cause of a fetch failure, with its code: `ETIMEDOUT: no data for 30 s`. */
function reason(err: unknown): string {
  let e = err;
  for (let depth = 0; e instanceof Error && e.cause instanceof Error && depth < 5; depth++) e = e.cause;
  const code = (e as { code?: unknown } | null)?.code;
  const message = messageOf(e);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

function backoff(attempt: number, err: unknown): number {
  return (err instanceof Retryable ? err.retryAfterMs : undefined) ?? backoffMs(attempt);
}
