// What a successful registry request hands to the client (style.md §1.2): status, headers, the final URL
// after redirects (for resolving Location, §12.2) and the body as a web stream, which the caller reads
// once, through `body`, `text()` or `bytes(max)`, or cancels, or drops with `drain()`; an unread body holds
// its connection. `received` counts the body bytes delivered, for messages about a body cut short.
import { Readable } from 'node:stream';
import { PithError } from '../../../util/index.ts';
import { redactUrl } from './errors.ts';
import { bodiless, type Exchange, readCapped } from './http.ts';

export interface RegistryResponse {
  status: number;
  headers: Headers;
  /** The URL that answered (after redirects), unredacted: signed query parameters included. */
  url: string;
  /** Null for HEAD, 204 and 304 responses. */
  body: ReadableStream<Uint8Array> | null;
  /** Body bytes delivered so far. */
  readonly received: number;
  text(): Promise<string>;
  /** The whole body; with `max`, fails with TOO_LARGE instead of reading more than `max` bytes. */
  bytes(max?: number): Promise<Buffer>;
  /** Reads and drops the body (at most 1 MiB) so the connection is reused; a failure is ignored. */
  drain(): Promise<void>;
}

/** Bodies larger than this are not drained but dropped with their connection. */
const DRAIN_CAP = 1 << 20;

/** Wraps a final exchange. */
export function toResponse(x: Exchange): RegistryResponse {
  let received = 0;
  let body: ReadableStream<Uint8Array> | null = null;
  if (bodiless(x.method, x.status)) x.message.resume();
  else {
    // the web stream reads ahead (an empty body ends at once and frees its connection); count as it does
    body = Readable.toWeb(x.message) as unknown as ReadableStream<Uint8Array>;
    x.message.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
  }
  let used = false;
  const bytes = async (max = Number.POSITIVE_INFINITY): Promise<Buffer> => {
    if (!body) return Buffer.alloc(0);
    if (used || body.locked) {
      throw new PithError(
        'internal',
        'BODY_USED',
        `${x.method} ${redactUrl(x.url)}: response body already read`,
      );
    }
    used = true;
    const r = await readCapped(body, max);
    if (r.truncated) {
      throw new PithError(
        'io',
        'TOO_LARGE',
        `${x.method} ${redactUrl(x.url)}: response body is larger than ${max} bytes`,
        { details: { max } },
      );
    }
    return r.bytes;
  };
  return {
    status: x.status,
    headers: x.headers,
    url: x.url.toString(),
    body,
    get received() {
      return received;
    },
    bytes,
    text: async () => (await bytes()).toString('utf8'),
    drain: async () => {
      await bytes(DRAIN_CAP).catch(() => undefined); // too large, or cut short: the status said enough
    },
  };
}
