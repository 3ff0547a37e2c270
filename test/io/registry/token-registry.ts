// A registry with its token service on one 127.0.0.1 server, for the Bearer tests (oci.md §13): the
// token GET (anonymous or Basic), the OAuth2 POST grants (password, refresh_token), tokens that name the
// scopes they grant, insufficient_scope challenges for requests that need more, and revocation.
import type { TestContext } from 'node:test';
import {
  authOf,
  basic,
  errorBody,
  queryOf,
  reply,
  type Seen,
  serve,
  type TestServer,
} from './transport-server.ts';

export const ALICE = { username: 'alice', password: 's3cret' };

export interface Fake {
  srv: TestServer;
  /** Requests to /token. */
  tokens: Seen[];
  /** Requests to /v2/… */
  registry: Seen[];
  /** Tokens the registry stops accepting. */
  revoked: Set<string>;
}

export interface FakeOptions {
  /** Status the token GET answers with instead of a token (e.g. 404: only the OAuth2 POST works). */
  refuseGet?: number;
  /** The ping answers 200 and only repositories ask for auth. */
  openPing?: boolean;
}

/** Scopes a request needs: pull (and push for writes) on its repository, plus `from` of a mount. */
function needs(s: Seen): string[] {
  const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(s.url);
  if (!m) return [];
  const out = [`repository:${m[1]}:${s.method === 'GET' || s.method === 'HEAD' ? 'pull' : 'pull,push'}`];
  const from = queryOf(s).get('from');
  if (from) out.push(`repository:${from}:pull`);
  return out;
}

/** A registry with its token service on the same server; a token is `tok-N|scope|scope…`. */
export async function bearerRegistry(t: TestContext, opts: FakeOptions = {}): Promise<Fake> {
  const fake = { tokens: [] as Seen[], registry: [] as Seen[], revoked: new Set<string>() } as Fake;
  const issue = (res: Parameters<typeof reply>[0], scopes: string[], field: 'token' | 'access_token') =>
    reply(
      res,
      200,
      { 'content-type': 'application/json' },
      { [field]: `tok-${fake.tokens.length - 1}|${scopes.join('|')}`, expires_in: 300 },
    );
  fake.srv = await serve(t, (s, res) => {
    if (s.url.startsWith('/token')) {
      fake.tokens.push(s);
      if (s.method === 'GET') {
        if (opts.refuseGet) return reply(res, opts.refuseGet);
        const auth = authOf(s);
        if (auth && auth !== basic(ALICE.username, ALICE.password))
          return reply(res, 401, {}, { details: 'incorrect username or password' });
        return issue(res, queryOf(s).getAll('scope'), 'token');
      }
      const form = new URLSearchParams(s.body.toString());
      const ok =
        (form.get('grant_type') === 'password' &&
          form.get('username') === 'alice' &&
          form.get('password') === 's3cret') ||
        (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1');
      if (!ok) return reply(res, opts.refuseGet ? 401 : 404, {}, { error: 'invalid_grant' });
      return issue(res, (form.get('scope') ?? '').split(' '), 'access_token');
    }
    fake.registry.push(s);
    const wanted = needs(s);
    if (s.url === '/v2/' && opts.openPing) return reply(res, 200, {}, '{}');
    const auth = authOf(s) ?? '';
    const granted =
      auth.startsWith('Bearer tok-') && !fake.revoked.has(auth.slice(7))
        ? auth.slice(7).split('|').slice(1)
        : undefined;
    if (!granted || !wanted.every((w) => granted.includes(w))) {
      const error = granted ? `,error="insufficient_scope",scope="${wanted.join(' ')}"` : '';
      const challenge = `Bearer realm="${fake.srv.origin}/token",service="fake.test"${error}`;
      return reply(
        res,
        401,
        { 'www-authenticate': challenge },
        errorBody('UNAUTHORIZED', 'authentication required'),
      );
    }
    return reply(
      res,
      s.method === 'GET' || s.method === 'HEAD' ? 200 : 201,
      {},
      s.method === 'GET' ? `ok ${s.url}` : undefined,
    );
  });
  return fake;
}
