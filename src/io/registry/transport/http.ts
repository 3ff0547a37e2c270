// One HTTP exchange over node:http / node:https and nothing more (style.md §1.2): no redirects, retries or
// auth; the request with its body (a Buffer, or a stream sent chunked unless the caller set
// Content-Length), an idle timeout, and the response head. node:https rather than fetch, so that an extra
// CA bundle (caFile) is trusted by this transport alone, with no process-wide TLS setting (oci.md §16).
import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getCACertificates } from 'node:tls';
import { messageOf, PithError } from '../../../util/index.ts';

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

/** Idle time (no bytes either way) after which a request fails with ETIMEDOUT. */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** Keep-alive connection pools (one per transport), optionally trusting an extra CA bundle. */
export class Connections {
  readonly #caFile: string | undefined;
  readonly #timeoutMs: number;
  readonly #http = new HttpAgent({ keepAlive: true });
  #https: Promise<HttpsAgent> | undefined;

  constructor(opts: { caFile?: string; timeoutMs?: number } = {}) {
    this.#caFile = opts.caFile;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Sends one request; resolves when the response head arrives, rejects on a connection failure. */
  async send(url: URL, init: ExchangeInit): Promise<Exchange> {
    const secure = url.protocol === 'https:';
    const agent = secure ? await this.#httpsAgent() : this.#http;
    const headers = { ...init.headers };
    const { body } = init;
    if (Buffer.isBuffer(body) && headers['content-length'] === undefined) {
      headers['content-length'] = String(body.length);
    } else if (body === undefined && /^(PUT|POST|PATCH)$/.test(init.method)) {
      headers['content-length'] ??= '0';
    }
    return new Promise<Exchange>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const req = (secure ? httpsRequest : httpRequest)(url, { method: init.method, headers, agent });
      req.setTimeout(this.#timeoutMs, () => {
        const err = new Error(`no data for ${Math.round(this.#timeoutMs / 1000)} s`);
        req.destroy(Object.assign(err, { code: 'ETIMEDOUT' }));
      });
      req.on('error', fail);
      req.on('response', (message) => {
        if (settled) return;
        settled = true;
        message.on('error', () => {}); // a reset while nobody reads must not crash; readers still see it
        const status = message.statusCode ?? 0;
        resolve({
          method: init.method,
          url,
          status,
          statusText: message.statusMessage || STATUS_CODES[status] || '',
          headers: toHeaders(message.rawHeaders),
          message,
        });
      });
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else pipeline(Readable.from(body), req).catch(fail); // after the response: the server stopped reading
    });
  }

  /** Closes every pooled connection. */
  close(): void {
    this.#http.destroy();
    this.#https?.then(
      (a) => a.destroy(),
      () => {},
    );
  }

  #httpsAgent(): Promise<HttpsAgent> {
    this.#https ??= this.#createHttpsAgent();
    return this.#https;
  }

  async #createHttpsAgent(): Promise<HttpsAgent> {
    if (this.#caFile === undefined) return new HttpsAgent({ keepAlive: true });
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
    return new HttpsAgent({ keepAlive: true, ca: [...getCACertificates('default'), pem] });
  }
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
