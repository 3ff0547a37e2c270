// Request authentication for the memory registry: Basic credentials checked directly, or bearer tokens
// (distribution token spec) that this registry signs itself. A token is base64url(JSON claims) + "." +
// HMAC-SHA256, so it carries its granted scopes and expiry; a request needing scopes it lacks is answered
// 401 with a challenge naming them (error="insufficient_scope"), as distribution does.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RegistryError } from './errors.ts';
import type { RegistryState } from './types.ts';

/** One resource scope: `repository:<name>:pull,push` or `registry:catalog:*`. */
export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  /** The user, or '' for anonymous. */
  sub: string;
  access: Access[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Present on refresh tokens (OAuth2 grant_type=refresh_token). */
  refresh?: true;
}

/** Lifetime of access tokens, in seconds. */
export const TOKEN_TTL = 300;

/** Parses scope strings (each may hold several, space-separated); malformed ones are skipped. */
export function parseScopes(values: string[]): Access[] {
  const out: Access[] = [];
  for (const value of values) {
    for (const scope of value.split(/\s+/).filter(Boolean)) {
      // The name may itself hold ':' (host:port), so the type ends at the first and the actions at the last.
      const first = scope.indexOf(':');
      const last = scope.lastIndexOf(':');
      if (first <= 0 || last === first) continue;
      const actions = scope
        .slice(last + 1)
        .split(',')
        .filter(Boolean);
      out.push({ type: scope.slice(0, first), name: scope.slice(first + 1, last), actions });
    }
  }
  return out;
}

export const formatScope = (a: Access): string => `${a.type}:${a.name}:${a.actions.join(',')}`;

/** Signs claims into a token. */
export function mintToken(state: RegistryState, claims: TokenClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(state, payload)}`;
}

/** The claims of a token this registry signed and that has not expired, else undefined. */
export function verifyToken(state: RegistryState, token: string): TokenClaims | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const payload = token.slice(0, dot);
  const mac = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(state, payload));
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    return claims.exp * 1000 > Date.now() ? claims : undefined;
  } catch {
    return undefined;
  }
}

function sign(state: RegistryState, payload: string): string {
  return createHmac('sha256', state.tokenKey).update(payload).digest('base64url');
}

/** The user and password of a Basic Authorization header, if it has one. */
export function basicCredentials(req: IncomingMessage): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** True when the credentials name a configured user with that password. */
export function validUser(users: Record<string, string>, user: string, password: string): boolean {
  return Object.hasOwn(users, user) && users[user] === password;
}

/** True when the granted scopes cover every required action ('*' covers all). */
export function covers(granted: Access[], required: Access[]): boolean {
  return required.every((need) => {
    const have = new Set(
      granted.filter((g) => g.type === need.type && g.name === need.name).flatMap((g) => g.actions),
    );
    return have.has('*') || need.actions.every((a) => have.has(a));
  });
}

/**
 * Checks a request under /v2/ against the registry's auth mode and the scopes it needs; throws a 401
 * RegistryError with the matching WWW-Authenticate challenge when it is not allowed.
 */
export function authorize(state: RegistryState, req: IncomingMessage, required: Access[]): void {
  const auth = state.auth;
  if (auth.kind === 'none') return;
  const detail = required.map((a) => ({ Type: a.type, Name: a.name, Action: a.actions.join(',') }));
  if (auth.kind === 'basic') {
    const creds = basicCredentials(req);
    if (creds && validUser(auth.users, creds.user, creds.password)) return;
    const message = creds ? 'invalid username or password' : 'authentication required';
    throw new RegistryError(401, 'UNAUTHORIZED', message, {
      detail,
      headers: { 'WWW-Authenticate': `Basic realm="${state.service}"` },
    });
  }
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  const claims = m ? verifyToken(state, m[1]!) : undefined;
  if (claims && covers(claims.access, required)) return;
  let challenge = `Bearer realm="${state.url}/token",service="${state.service}"`;
  if (required.length > 0) challenge += `,scope="${required.map(formatScope).join(' ')}"`;
  if (m && !claims) challenge += ',error="invalid_token"';
  else if (claims) challenge += ',error="insufficient_scope"';
  const message = !m ? 'authentication required' : claims ? 'insufficient scope' : 'invalid or expired token';
  throw new RegistryError(401, 'UNAUTHORIZED', message, {
    detail,
    headers: { 'WWW-Authenticate': challenge },
  });
}
