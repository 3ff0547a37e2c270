// Redirects, followed by hand (oci.md §12.6, §16): Location is resolved against the URL that answered and
// keeps its query (signed CDN URLs); at most 5 hops; 301/302 turn POST into GET and 303 turns anything but
// HEAD into GET, dropping the body and its entity headers; 307/308 resend method and body. Authorization,
// cookies and every other credential header go only to the origin they were meant for.
import { ioError } from '../../error-codes.ts';
import { redactUrl } from './errors.ts';

/** Redirect hops followed before giving up. */
export const MAX_REDIRECTS = 5;

/** One request of a redirect chain; headers are lower case and never hold the transport's credentials. */
export interface Hop {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** False once a 301/302/303 turned the request into a bodiless GET. */
  withBody: boolean;
}

const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const ENTITY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
  'content-range',
  'digest',
];

/** True for the statuses that carry a Location to follow. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * The request a redirect asks for. `plainHttpOk` decides whether an http: target may be used (scheme.ts
 * policy); anything but http:/https: is refused.
 */
export function nextHop(hop: Hop, status: number, location: string, plainHttpOk: (u: URL) => boolean): Hop {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    throw ioError('BAD_REDIRECT', `${hop.method} ${redactUrl(hop.url)}: ${status} to an invalid Location`);
  }
  url.hash = '';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw ioError('BAD_REDIRECT', `${hop.method} ${redactUrl(hop.url)}: redirect to ${url.protocol} refused`);
  }
  if (url.protocol === 'http:' && !plainHttpOk(url)) {
    throw ioError(
      'PLAIN_HTTP_REFUSED',
      `${hop.method} ${redactUrl(hop.url)}: redirect to plain http ${redactUrl(url)} refused (not loopback, registry not insecure)`,
    );
  }
  const toGet =
    ((status === 301 || status === 302) && hop.method === 'POST') ||
    (status === 303 && hop.method !== 'HEAD');
  const headers = { ...hop.headers };
  if (toGet) for (const h of ENTITY_HEADERS) delete headers[h];
  return { method: toGet ? 'GET' : hop.method, url, headers, withBody: hop.withBody && !toGet };
}

/**
 * The headers actually sent for a hop: `authorization` only when the hop is on `credentialOrigin`, and any
 * credential header the caller set removed everywhere else.
 */
export function hopHeaders(
  hop: Hop,
  credentialOrigin: string,
  authorization: string | undefined,
): Record<string, string> {
  const headers = { ...hop.headers };
  if (hop.url.origin !== credentialOrigin) {
    for (const h of CREDENTIAL_HEADERS) delete headers[h];
  } else if (authorization !== undefined) {
    headers['authorization'] = authorization;
  }
  return headers;
}
