// One GET over node:http / node:https, redirects followed (only to http(s) URLs, at most 10): the answer's
// status, headers and body as a stream, for http.ts's attempts and retries. node:http rather than fetch:
// fetch loads undici, about 70 ms of every command that reaches a mirror or the npm registry. Nothing is
// sent but the caller's headers and pith's User-Agent: no credentials (a URL carrying them is refused).
import type { IncomingMessage } from 'node:http';
import { nodeHttp, nodeHttps, PITH_TOOL, PithError, redactUrl } from '../util/index.ts';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = `${PITH_TOOL.name}/${PITH_TOOL.version}`;
const MAX_REDIRECTS = 10;

/** A response head, its body still to be read (or cancelled). */
export interface Answer {
  status: number;
  statusText: string;
  /** A header's value (names are case-insensitive); null when absent. */
  header(name: string): string | null;
  body: AsyncIterable<Buffer>;
  /** Drops the rest of the body and its connection. */
  cancel(): void;
}

/**
 * GETs `url`, following redirects; resolves with the first answer that is not one. Rejects with
 * BAD_MIRROR_URL for a URL that is not http(s) or carries credentials, and with the system error (e.g.
 * ECONNREFUSED) or the signal's reason when the request fails.
 */
export async function httpGet(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Answer> {
  let target = usable(url, url);
  for (let hop = 0; ; hop++) {
    const message = await request(target, headers, signal);
    const status = message.statusCode ?? 0;
    const location = message.headers.location;
    if (!REDIRECTS.has(status) || !location) return answer(message);
    message.destroy();
    if (hop === MAX_REDIRECTS)
      throw new PithError(
        'io',
        'FETCH_FAILED',
        `GET ${redactUrl(url)}: more than ${MAX_REDIRECTS} redirects`,
      );
    target = usable(new URL(location, target).href, url);
  }
}

function usable(href: string, asked: string): URL {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw badUrl(asked, `${redactUrl(href)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badUrl(asked, `${url.protocol} is not http or https`);
  if (url.username || url.password) throw badUrl(asked, 'a URL with credentials is not fetched');
  return url;
}

function badUrl(asked: string, why: string): PithError {
  return new PithError('input', 'BAD_MIRROR_URL', `GET ${redactUrl(asked)}: ${why}`);
}

function request(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? nodeHttps().get : nodeHttp().get;
    const req = get(url, { headers: { 'user-agent': USER_AGENT, ...headers }, signal }, resolve);
    req.on('error', (err) => reject(signal.aborted ? signal.reason : err));
  });
}

function answer(message: IncomingMessage): Answer {
  return {
    status: message.statusCode ?? 0,
    statusText: message.statusMessage ?? '',
    header: (name) => {
      const v = message.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
    body: bodyOf(message),
    cancel: () => message.destroy(),
  };
}

/** The body's chunks; a connection lost midway fails with why (the signal's reason when it fired). */
async function* bodyOf(message: IncomingMessage): AsyncIterable<Buffer> {
  for await (const chunk of message) yield chunk as Buffer;
  // a response whose connection closed before its end may give no error, only fewer bytes
  if (!message.complete)
    throw Object.assign(new Error('the connection closed mid-body'), { code: 'ECONNRESET' });
}
