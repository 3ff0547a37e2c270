// Authentication through the transport (oci.md §13): the lazy ping, anonymous access, Basic, the Bearer
// token GET with and without Basic credentials, the OAuth2 POST fallback, identity and registry tokens,
// insufficient_scope widening, token caching, and refresh after a revoked token.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  type Credentials,
  RegistryError,
  RegistryTransport,
  type TransportOptions,
} from '../../../src/io/registry/transport/index.ts';
import { ALICE, bearerRegistry } from './token-registry.ts';
import { authOf, basic, errorBody, queryOf, reply, serve, type TestServer } from './transport-server.ts';

function transportFor(
  t: TestContext,
  srv: TestServer,
  creds?: Credentials,
  more: Partial<TransportOptions> = {},
) {
  const asked: string[] = [];
  const transport = new RegistryTransport({
    registry: srv.host,
    credentials: async (registry) => {
      asked.push(registry);
      return creds;
    },
    ...more,
  });
  t.after(() => transport.close());
  return { transport, asked };
}

const pull = (name: string, ref = 'latest') =>
  ({ method: 'GET', path: `/v2/${name}/manifests/${ref}`, scope: `repository:${name}:pull` }) as const;

describe('RegistryTransport authentication', () => {
  it('pings once, lazily, and sends nothing to an open registry', async (t) => {
    const srv = await serve(t, (s, res) => reply(res, 200, {}, `body of ${s.url}`));
    const { transport, asked } = transportFor(t, srv, ALICE);
    assert.equal(srv.seen.length, 0, 'constructing does no I/O');
    const res = await transport.request(pull('a'));
    assert.equal(await res.text(), 'body of /v2/a/manifests/latest');
    await transport.request(pull('b'));
    assert.deepEqual(
      srv.seen.map((s) => s.url),
      ['/v2/', '/v2/a/manifests/latest', '/v2/b/manifests/latest'],
    );
    assert.ok(srv.seen.every((s) => authOf(s) === undefined));
    assert.deepEqual(asked, [], 'no challenge, no keychain lookup');
    assert.equal(srv.seen[0]?.headers['user-agent'], 'pith');
  });

  it('answers a Basic challenge with the registry’s credentials', async (t) => {
    const good = basic('alice', 's3cret');
    const srv = await serve(t, (s, res) =>
      authOf(s) === good
        ? reply(res, 200, {}, 'secret manifest')
        : reply(res, 401, { 'www-authenticate': 'Basic realm="fake"' }),
    );
    const { transport, asked } = transportFor(t, srv, ALICE);
    assert.equal(await (await transport.request(pull('a'))).text(), 'secret manifest');
    assert.deepEqual(asked, [srv.host]);
    assert.equal(authOf(srv.seen[0]!), undefined, 'the ping goes out anonymously');
    assert.equal(authOf(srv.seen[1]!), good);
  });

  it('gets an anonymous Bearer token with service and scope', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport } = transportFor(t, fake.srv);
    await transport.request(pull('library/busybox'));
    assert.equal(fake.tokens.length, 1);
    const tok = fake.tokens[0]!;
    assert.equal(tok.method, 'GET');
    assert.equal(authOf(tok), undefined);
    assert.equal(queryOf(tok).get('service'), 'fake.test');
    assert.deepEqual(queryOf(tok).getAll('scope'), ['repository:library/busybox:pull']);
    assert.equal(authOf(fake.registry.at(-1)!), 'Bearer tok-0|repository:library/busybox:pull');
  });

  it('sends Basic credentials with the token GET, one scope parameter per scope', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport } = transportFor(t, fake.srv, ALICE);
    await transport.request({
      method: 'GET',
      path: '/v2/a/tags/list',
      scope: 'repository:a:pull repository:b:pull',
    });
    const tok = fake.tokens[0]!;
    assert.equal(authOf(tok), basic('alice', 's3cret'));
    assert.deepEqual(queryOf(tok).getAll('scope'), ['repository:a:pull', 'repository:b:pull']);
  });

  it('falls back to the OAuth2 password grant when the token GET is refused', async (t) => {
    const fake = await bearerRegistry(t, { refuseGet: 404 });
    const { transport } = transportFor(t, fake.srv, ALICE);
    const res = await transport.request({
      method: 'PUT',
      path: '/v2/a/manifests/v1',
      scope: 'repository:a:pull,push',
      body: Buffer.from('{}'),
    });
    assert.equal(res.status, 201);
    assert.deepEqual(
      fake.tokens.map((s) => s.method),
      ['GET', 'POST'],
    );
    const post = fake.tokens[1]!;
    assert.equal(post.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(authOf(post), undefined);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(post.body.toString())), {
      grant_type: 'password',
      username: 'alice',
      password: 's3cret',
      service: 'fake.test',
      scope: 'repository:a:pull,push',
      client_id: 'pith',
    });
  });

  it('exchanges an identity token with the refresh-token grant, without a GET', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport } = transportFor(t, fake.srv, { identityToken: 'refresh-1' });
    await transport.request(pull('a'));
    assert.deepEqual(
      fake.tokens.map((s) => s.method),
      ['POST'],
    );
    const form = new URLSearchParams(fake.tokens[0]!.body.toString());
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), 'refresh-1');
    assert.equal(form.get('scope'), 'repository:a:pull');
  });

  it('uses a registry token as the bearer token, with no exchange', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport } = transportFor(t, fake.srv, { registryToken: 'tok-9|repository:a:pull' });
    await transport.request(pull('a'));
    assert.equal(fake.tokens.length, 0);
    assert.equal(authOf(fake.registry.at(-1)!), 'Bearer tok-9|repository:a:pull');
  });

  it('widens the scopes once on insufficient_scope, and remembers it', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport } = transportFor(t, fake.srv, ALICE);
    const mount = {
      method: 'POST',
      path: '/v2/a/blobs/uploads/?mount=sha256:00&from=b',
      scope: 'repository:a:pull,push',
      expect: [201],
    } as const;
    assert.equal((await transport.request(mount)).status, 201);
    assert.deepEqual(
      fake.tokens.map((s) => queryOf(s).getAll('scope')),
      [['repository:a:pull,push'], ['repository:a:pull,push', 'repository:b:pull']],
    );
    await transport.request(mount);
    assert.equal(fake.tokens.length, 2, 'the widened token is cached for this scope');
  });

  it('caches tokens per scope set: one exchange for many requests, concurrent ones included', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport, asked } = transportFor(t, fake.srv, ALICE);
    await transport.request(pull('a', '1'));
    await transport.request(pull('a', '2'));
    await Promise.all([3, 4, 5].map((n) => transport.request(pull('a', String(n)))));
    assert.equal(fake.tokens.length, 1);
    await Promise.all([transport.request(pull('b')), transport.request(pull('b', 'x'))]);
    assert.equal(fake.tokens.length, 2, 'a new scope set gets its own token, once');
    assert.deepEqual(asked, [fake.srv.host], 'the keychain is asked once');
  });

  it('fetches a new token once when the registry stops accepting the cached one', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport } = transportFor(t, fake.srv);
    await transport.request(pull('a'));
    fake.revoked.add('tok-0|repository:a:pull');
    await transport.request(pull('a', 'v2'));
    assert.equal(fake.tokens.length, 2);
    assert.equal(authOf(fake.registry.at(-1)!), 'Bearer tok-1|repository:a:pull');
  });

  it('learns the challenge from a later 401 when the ping was open', async (t) => {
    const fake = await bearerRegistry(t, { openPing: true });
    const { transport } = transportFor(t, fake.srv);
    assert.equal((await transport.request(pull('a'))).status, 200);
    assert.deepEqual(
      fake.registry.map((s) => [s.url, authOf(s) !== undefined]),
      [
        ['/v2/', false],
        ['/v2/a/manifests/latest', false],
        ['/v2/a/manifests/latest', true],
      ],
    );
  });

  it('reports refused credentials without revealing them', async (t) => {
    const fake = await bearerRegistry(t);
    const { transport } = transportFor(t, fake.srv, { username: 'alice', password: 'wrong-pw' });
    const err = await transport.request(pull('a')).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RegistryError, String(err));
    assert.equal(err.status, 401);
    assert.equal(err.code, 'UNAUTHORIZED');
    assert.equal(err.kind, 'input');
    assert.match(err.message, /incorrect username or password/);
    const b64 = Buffer.from('alice:wrong-pw').toString('base64');
    for (const text of [err.message, JSON.stringify(err.details), err.body ?? '']) {
      assert.ok(!text.includes('wrong-pw') && !text.includes(b64), text);
    }
  });

  it('says when anonymous access was refused', async (t) => {
    const srv = await serve(t, (_s, res) =>
      reply(
        res,
        401,
        { 'www-authenticate': 'Basic realm="x"' },
        errorBody('UNAUTHORIZED', 'authentication required'),
      ),
    );
    const { transport } = transportFor(t, srv);
    await assert.rejects(
      transport.request(pull('a')),
      (err: unknown) =>
        err instanceof RegistryError &&
        err.code === 'UNAUTHORIZED' &&
        /no credentials for 127\.0\.0\.1/.test(err.message),
    );
  });
});
