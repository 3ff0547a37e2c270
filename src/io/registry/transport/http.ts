// One HTTP exchange over node:http / node:https and nothing more (style.md §1.2): no redirects, retries or
// auth; the request with its body (a Buffer, or a stream sent chunked unless the caller set
// Content-Length), an idle timeout that also covers the response body, and the response head. A body that
// fails (reset, broken framing, timeout) errors with the real cause, not Node's bare "aborted". node:https
// rather than fetch, so that an extra CA bundle (caFile) is trusted by this transport alone (oci.md §16).
import { readFile } from 'node:fs/promises';
import type { ClientRequest, Agent as HttpAgent, IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getCACertificates } from 'node:tls';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  messageOf,
  nodeHttp,
  nodeHttps,
  PithError,
  throwIfAborted,
} from '../../../util/index.ts';

/** A response head, its body still unread in `message`. */
export interface Exchange {
  method: string;
  url: URL;
  status: number;
  statusText: string;
  headers: Headers;
  message: IncomingMessage;
}

export interface ExchangeInit {
  method: string;
  headers: Record<string, string>;
  body?: Buffer | AsyncIterable<Buffer>;
}

/**
 * Once a request body has been sent, the registry may take a while before it answers (committing a large
 * blob): the wait for that response head is allowed at least this long, whatever the idle timeout.
 */
const COMMIT_WAIT_MS = 120_000;

/** Keep-alive connection pools (one per transport), optionally trusting an extra CA bundle. */
export class Connections {
  readonly #caFile: string | undefined;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  #http: HttpAgent | undefined;
  #https: Promise<HttpsAgent> | undefined;

  constructor(opts: { caFile?: string; timeoutMs?: number; signal?: AbortSignal | undefined } = {}) {
    this.#caFile = opts.caFile;
    this.#signal = opts.signal;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  /** Sends one request; resolves when the response head arrives, rejects on a connection failure. */
  async send(url: URL, init: ExchangeInit): Promise<Exchange> {
    const secure = url.protocol === 'https:';
    const agent = secure ? await this.#httpsAgent() : this.#httpAgent();
    const headers = { ...init.headers };
    const { body } = init;
    if (Buffer.isBuffer(body) && headers['content-length'] === undefined) {
      headers['content-length'] = String(body.length);
    } else if (body === undefined && /^(PUT|POST|PATCH)$/.test(init.method)) {
      headers['content-length'] ??= '0';
    }
    throwIfAborted(this.#signal);
    const signal = this.#signal;
    const req = (secure ? nodeHttps().request : nodeHttp().request)(url, {
      method: init.method,
      headers,
      agent,
      ...(signal ? { signal } : {}),
    });
    return exchange(req, url, init, this.#timeoutMs);
  }

  /** Closes every pooled connection. */
  close(): void {
    this.#http?.destroy();
    this.#https?.then(
      (a) => a.destroy(),
      () => {},
    );
  }

  #httpAgent(): HttpAgent {
    this.#http ??= new (nodeHttp().Agent)({ keepAlive: true });
    return this.#http;
  }

  #httpsAgent(): Promise<HttpsAgent> {
    this.#https ??= this.#createHttpsAgent();
    return this.#https;
  }

  async #createHttpsAgent(): Promise<HttpsAgent> {
    if (this.#caFile === undefined) return new (nodeHttps().Agent)({ keepAlive: true });
    let pem: string;
    try {
      pem = await readFile(this.#caFile, 'utf8');
    } catch (cause) {
      this.#https = undefined;
      throw new PithError(
        'input',
        'BAD_CA_FILE',
        `cannot read CA bundle ${this.#caFile}: ${messageOf(cause)}`,
        {
          cause,
        },
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      this.#https = undefined;
      throw new PithError('input', 'BAD_CA_FILE', `${this.#caFile} holds no PEM certificate`);
    }
    // `ca` replaces the trusted set, so keep the default roots (bundled, system, NODE_EXTRA_CA_CERTS) too
    return new (nodeHttps().Agent)({ keepAlive: true, ca: [...getCACertificates('default'), pem] });
  }
}

/**
 * Drives one request: sends its body and resolves with the response head. No byte either way for `idleMs`
 * fails it with ETIMEDOUT (the response body too); after a body was sent the answer may take COMMIT_WAIT_MS.
 */
function exchange(req: ClientRequest, url: URL, init: ExchangeInit, idleMs: number): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    let message: IncomingMessage | undefined;
    let waitMs = idleMs;
    const wait = (ms: number) => {
      waitMs = ms;
      req.setTimeout(ms);
    };
    // before the head the request fails; after it, the body being read fails with the real cause
    const fail = (err: unknown) => (message ? message.destroy(err as Error) : reject(err));
    req.setTimeout(idleMs, () => {
      const err = Object.assign(new Error(`no data for ${seconds(waitMs)}`), { code: 'ETIMEDOUT' });
      fail(err);
      req.destroy(err);
    });
    req.on('error', fail);
    req.on('response', (res) => {
      message = res;
      wait(idleMs);
      res.on('error', () => {}); // a reset while nobody reads must not crash; readers still see it
      const status = res.statusCode ?? 0;
      resolve({
        method: init.method,
        url,
        status,
        statusText: res.statusMessage || nodeHttp().STATUS_CODES[status] || '',
        headers: toHeaders(res.rawHeaders),
        message: res,
      });
    });
    const { body } = init;
    if (body !== undefined) req.once('finish', () => message ?? wait(Math.max(idleMs, COMMIT_WAIT_MS)));
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    // after the response, a failed upload only means the server stopped reading: its answer stands
    else pipeline(Readable.from(body), req).catch((err: unknown) => message ?? reject(err));
  });
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function toHeaders(raw: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      h.append(raw[i]!, raw[i + 1]!);
    } catch {
      // a header value fetch's Headers refuses (control characters): drop it
    }
  }
  return h;
}

/** True when a response carries no body by definition. */
export function bodiless(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** Frees a response that will not be read: small bodies are drained (the connection is reused). */
export function discard(x: Exchange): void {
  const length = Number(x.message.headers['content-length']);
  if (bodiless(x.method, x.status) || (Number.isFinite(length) && length <= 64 * 1024)) x.message.resume();
  else x.message.destroy();
}

/** Reads a byte stream up to `max` bytes; stops (and releases the stream) once more arrive. */
export async function readCapped(
  source: AsyncIterable<Uint8Array>,
  max: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (size + b.length > max) {
      chunks.push(b.subarray(0, max - size));
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(b);
    size += b.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}
