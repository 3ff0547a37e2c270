// The token exchange (oci.md §13; distribution token.md and oauth.md): GET <realm>?service=…&scope=… (one
// scope parameter each) with Basic credentials or anonymously; for a username and password, the OAuth2
// password grant by POST when that GET is refused (401/403/404/405); for an identity token, the
// refresh-token grant by POST. Tokens are cached per scope set until expires_in (60 s by default) less a
// margin, and concurrent requests for one scope set share one exchange. Token bodies never reach messages.
import { PithError } from '../../../util/index.ts';
import { basicAuthorization, type Credentials, isPassword } from './credentials.ts';
import { ERROR_BODY_CAP, statusError } from './errors.ts';

/** Where tokens come from: a Bearer challenge's realm and service. */
export interface BearerRealm {
  realm: string;
  service?: string;
}

export interface Token {
  token: string;
  /** Epoch ms after which the token is not used any more. */
  expiresAt: number;
}

/** A token endpoint's answer, its body read whole (at most TOKEN_BODY_CAP bytes). */
export interface TokenReply {
  method: string;
  url: URL;
  status: number;
  body: Buffer;
}

/** Sends one token request; `authorization` may go to the realm's origin only (the sender enforces it). */
export type TokenSender = (
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Buffer; authorization?: string },
) => Promise<TokenReply>;

const DEFAULT_EXPIRES_S = 60;
/** Token responses (and token errors) are read up to this many bytes. */
export const TOKEN_BODY_CAP = 1024 * 1024;
const POST_FALLBACK = new Set([401, 403, 404, 405]);
/** OAuth2 client_id pith names itself with (oauth.md). */
export const CLIENT_ID = 'pith';

/** Obtains a token for `scopes` from a realm, with whatever credentials there are. */
export async function fetchToken(
  realm: BearerRealm,
  scopes: string[],
  creds: Credentials | undefined,
  send: TokenSender,
  now: () => number = Date.now,
): Promise<Token> {
  if (creds && 'identityToken' in creds) {
    const x = await postForm(
      realm,
      scopes,
      { grant_type: 'refresh_token', refresh_token: creds.identityToken },
      send,
    );
    if (x.status === 200) return parseToken(x, now);
    throw tokenError(x);
  }
  const url = new URL(realm.realm);
  if (realm.service) url.searchParams.set('service', realm.service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const authorization = isPassword(creds) ? basicAuthorization(creds) : undefined;
  const x = await send(url, { method: 'GET', headers: {}, authorization });
  if (x.status === 200) return parseToken(x, now);
  const refused = tokenError(x);
  if (!isPassword(creds) || !POST_FALLBACK.has(x.status)) throw refused;
  const grant = { grant_type: 'password', username: creds.username, password: creds.password };
  const p = await postForm(realm, scopes, grant, send);
  if (p.status === 200) return parseToken(p, now);
  if (p.status !== 404 && p.status !== 405) throw tokenError(p);
  throw refused; // no OAuth2 endpoint either: the GET's answer says more
}

/** The OAuth2 token POST (oauth.md): one form, scopes space-separated in one parameter. */
function postForm(realm: BearerRealm, scopes: string[], grant: Record<string, string>, send: TokenSender) {
  const form = new URLSearchParams(grant);
  if (realm.service) form.set('service', realm.service);
  if (scopes.length) form.set('scope', scopes.join(' '));
  form.set('client_id', CLIENT_ID);
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  return send(new URL(realm.realm), { method: 'POST', headers, body: Buffer.from(form.toString()) });
}

function parseToken(x: TokenReply, now: () => number): Token {
  let v: { token?: unknown; access_token?: unknown; expires_in?: unknown } | undefined;
  try {
    v = JSON.parse(x.body.toString('utf8')) as typeof v;
  } catch {
    v = undefined;
  }
  const token = typeof v?.token === 'string' && v.token ? v.token : v?.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new PithError('io', 'BAD_TOKEN_RESPONSE', `token response from ${x.url.origin} holds no token`);
  }
  const seconds = typeof v?.expires_in === 'number' && v.expires_in > 0 ? v.expires_in : DEFAULT_EXPIRES_S;
  const lifetime = seconds * 1000;
  return { token, expiresAt: now() + lifetime - Math.min(30_000, lifetime / 10) };
}

function tokenError(x: TokenReply): PithError {
  const body = x.body.subarray(0, ERROR_BODY_CAP).toString('utf8');
  // OAuth2 servers answer {"error","error_description"}, distribution's {"details"}: keep those words
  let words: string | undefined;
  let oauth: unknown;
  try {
    const j = JSON.parse(body) as { error?: unknown; error_description?: unknown; details?: unknown };
    oauth = j.error;
    if (typeof j.error === 'string') {
      words = typeof j.error_description === 'string' ? `${j.error}: ${j.error_description}` : j.error;
    } else if (typeof j.details === 'string') words = j.details;
  } catch {
    // not JSON: statusError shows the text
  }
  // OAuth2 (RFC 6749 §5.2) refuses wrong credentials with 400 invalid_grant: as much a refusal as a 401
  const refused = x.status === 401 || (x.status === 400 && oauth === 'invalid_grant');
  const code = refused ? 'UNAUTHORIZED' : x.status === 403 ? 'DENIED' : 'TOKEN_REFUSED';
  const errors = words === undefined ? undefined : [{ code, message: words }];
  const kind = refused ? 'input' : undefined;
  return statusError({
    method: x.method,
    url: x.url,
    status: x.status,
    body,
    errors,
    ...(kind ? { kind } : {}),
  });
}

/** Tokens by scope set, with in-flight exchanges shared. */
export class TokenCache {
  readonly #tokens = new Map<string, Token>();
  readonly #pending = new Map<string, Promise<Token>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A valid cached token for `key`, else the result of `fetch` (shared by concurrent callers). */
  async get(key: string, fetch: () => Promise<Token>): Promise<string> {
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > this.#now()) return cached.token;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = fetch().finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    const t = await pending;
    this.#tokens.set(key, t);
    return t.token;
  }

  delete(key: string): void {
    this.#tokens.delete(key);
  }
}

/** The cache key of a scope set: sorted, without duplicates. */
export function scopeKey(scopes: string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}
