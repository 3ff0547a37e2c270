// The bearer token endpoint (`<url>/token`): the distribution token spec's GET with Basic credentials or
// anonymous, and the OAuth2 POST form (grant_type=password or refresh_token, scope space-separated,
// client_id required). Users get every action they ask for; anonymous callers get pull only when allowed,
// else an empty grant (as Docker Hub does). tokenPostForm turns GET away with 405.
import {
  type Access,
  basicCredentials,
  formatScope,
  mintToken,
  parseScopes,
  TOKEN_TTL,
  validUser,
  verifyToken,
} from './auth.ts';
import { RegistryError } from './errors.ts';
import { readBody, sendJson } from './http.ts';
import type { Exchange, RegistryState } from './types.ts';

type BearerAuth = Extract<RegistryState['auth'], { kind: 'bearer' }>;

/** Serves GET or POST /token. */
export async function serveToken(state: RegistryState, ex: Exchange): Promise<void> {
  const auth = state.auth;
  if (auth.kind !== 'bearer') throw new RegistryError(404, 'UNSUPPORTED', 'this registry issues no tokens');
  if (ex.method === 'POST') return postToken(state, auth, ex);
  if (ex.method !== 'GET') {
    throw new RegistryError(405, 'UNSUPPORTED', 'use GET or POST', { headers: { Allow: 'GET, POST' } });
  }
  if (auth.tokenPostForm) {
    throw new RegistryError(405, 'UNSUPPORTED', 'this token endpoint accepts only the OAuth2 POST form', {
      headers: { Allow: 'POST' },
    });
  }
  const q = ex.url.searchParams;
  checkService(state, q.get('service'));
  const requested = parseScopes(q.getAll('scope'));
  const creds = basicCredentials(ex.req);
  if (ex.req.headers.authorization !== undefined) {
    if (!creds || !validUser(auth.users, creds.user, creds.password)) {
      throw new RegistryError(401, 'UNAUTHORIZED', 'invalid username or password', {
        headers: { 'WWW-Authenticate': `Basic realm="${state.url}/token"` },
      });
    }
  }
  const user = creds?.user ?? '';
  const offline = q.get('offline_token') === 'true' && user !== '';
  issue(state, ex, user, grant(auth, user, requested), offline);
}

async function postToken(state: RegistryState, auth: BearerAuth, ex: Exchange): Promise<void> {
  const form = new URLSearchParams((await readBody(ex.req, 64 * 1024)).toString('utf8'));
  const fail = (status: number, error: string, description: string): never => {
    throw new OAuthError(status, error, description);
  };
  if (!form.get('client_id')) fail(400, 'invalid_request', 'client_id is required');
  if (form.get('service') !== null && form.get('service') !== state.service) {
    fail(400, 'invalid_request', `unknown service "${form.get('service')}"`);
  }
  const requested = parseScopes([form.get('scope') ?? '']);
  const grantType = form.get('grant_type');
  let user: string;
  if (grantType === 'password') {
    user = form.get('username') ?? '';
    if (!validUser(auth.users, user, form.get('password') ?? '')) {
      fail(400, 'invalid_grant', 'invalid username or password');
    }
  } else if (grantType === 'refresh_token') {
    const claims = verifyToken(state, form.get('refresh_token') ?? '');
    if (!claims?.refresh || !Object.hasOwn(auth.users, claims.sub)) {
      fail(400, 'invalid_grant', 'invalid refresh token');
    }
    user = claims!.sub;
  } else {
    return fail(400, 'unsupported_grant_type', `grant_type "${grantType ?? ''}" is not supported`);
  }
  const offline = form.get('access_type') === 'offline' || grantType === 'refresh_token';
  issue(state, ex, user, grant(auth, user, requested), offline);
}

/** An OAuth2 error answer (RFC 6749 §5.2), for the POST form. */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

function checkService(state: RegistryState, service: string | null): void {
  if (service !== null && service !== state.service) {
    throw new RegistryError(400, 'UNSUPPORTED', `unknown service "${service}"`);
  }
}

/** What a caller gets: a user every requested action, anonymous pull only when allowed. */
function grant(auth: BearerAuth, user: string, requested: Access[]): Access[] {
  if (user !== '') return requested;
  if (!auth.allowAnonymousPull) return [];
  return requested
    .filter((a) => a.type === 'repository' && a.actions.includes('pull'))
    .map((a) => ({ ...a, actions: ['pull'] }));
}

function issue(state: RegistryState, ex: Exchange, user: string, access: Access[], offline: boolean): void {
  const now = Math.floor(Date.now() / 1000);
  const token = mintToken(state, { sub: user, access, exp: now + TOKEN_TTL });
  const body: Record<string, unknown> = {
    token,
    access_token: token,
    expires_in: TOKEN_TTL,
    issued_at: new Date(now * 1000).toISOString(),
    scope: access.map(formatScope).join(' '),
  };
  if (offline)
    body['refresh_token'] = mintToken(state, { sub: user, access: [], exp: now + 86400, refresh: true });
  sendJson(ex.res, body, { 'Cache-Control': 'no-store' });
}
