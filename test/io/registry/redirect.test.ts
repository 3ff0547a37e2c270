// Redirects (oci.md §12.6, §16): followed by hand up to 5 hops, Location resolved against the URL that
// answered with its query kept; Authorization and cookies never reach another origin but stay on the
// registry's own; 307 resends method and body, 303 turns a POST into a bodiless GET; no plain-http hops.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { RegistryError, RegistryTransport } from '../../../src/io/registry/transport/index.ts';
import { PithError } from '../../../src/util/index.ts';
import { authOf, basic, reply, type Seen, serve, type TestServer } from './transport-server.ts';

const GOOD = basic('alice', 's3cret');

/** A registry behind Basic auth whose other routes are answered by `route`. */
async function basicRegistry(
  t: TestContext,
  route: (s: Seen, res: Parameters<typeof reply>[0]) => void,
): Promise<TestServer> {
  return serve(t, (s, res) => {
    if (authOf(s) !== GOOD) return reply(res, 401, { 'www-authenticate': 'Basic realm="r"' });
    if (s.url === '/v2/') return reply(res, 200, {}, '{}');
    route(s, res);
  });
}

function transportFor(t: TestContext, srv: TestServer) {
  const transport = new RegistryTransport({
    registry: srv.host,
    credentials: async () => ({ username: 'alice', password: 's3cret' }),
  });
  t.after(() => transport.close());
  return transport;
}

const blob = { method: 'GET', path: '/v2/a/blobs/sha256:ab', scope: 'repository:a:pull' } as const;

describe('redirects', () => {
  it('sends no credentials to another origin, and keeps the target’s query', async (t) => {
    const cdn = await serve(t, (s, res) => reply(res, 200, {}, `cdn ${s.url}`));
    const reg = await basicRegistry(t, (_s, res) =>
      reply(res, 307, {
        location: `${cdn.origin.replace('127.0.0.1', 'localhost')}/b/ab?X-Amz-Signature=sig&X-Amz-Credential=c`,
      }),
    );
    const transport = transportFor(t, reg);
    const res = await transport.request({ ...blob, headers: { Cookie: 'session=1', Accept: '*/*' } });
    assert.equal(await res.text(), 'cdn /b/ab?X-Amz-Signature=sig&X-Amz-Credential=c');
    assert.match(res.url, /^http:\/\/localhost:\d+\/b\/ab\?X-Amz-Signature=sig/);
    const got = cdn.seen[0]!;
    assert.equal(got.headers.authorization, undefined);
    assert.equal(got.headers.cookie, undefined);
    assert.equal(got.headers.accept, '*/*', 'ordinary headers follow');
    assert.equal(authOf(reg.seen.at(-1)!), GOOD);
  });

  it('keeps Authorization on a same-origin redirect, resolving a relative Location', async (t) => {
    const reg = await basicRegistry(t, (s, res) =>
      s.url === '/v2/a/blobs/sha256:ab'
        ? reply(res, 302, { location: '../b/blobs/sha256:ab?part=2' })
        : reply(res, 200, {}, `moved ${s.url}`),
    );
    const transport = transportFor(t, reg);
    const res = await transport.request(blob);
    assert.equal(await res.text(), 'moved /v2/a/b/blobs/sha256:ab?part=2');
    assert.equal(authOf(reg.seen.at(-1)!), GOOD);
  });

  it('gives up after 5 hops', async (t) => {
    const reg = await basicRegistry(t, (s, res) => reply(res, 302, { location: `${s.url}x` }));
    const transport = transportFor(t, reg);
    await assert.rejects(
      transport.request(blob),
      (err: unknown) => err instanceof RegistryError && err.code === 'TOO_MANY_REDIRECTS',
    );
    assert.equal(reg.seen.filter((s) => s.url.startsWith('/v2/a/')).length, 6);
  });

  it('resends method and body on 307 when asked to follow, calling the body factory again', async (t) => {
    const target = await serve(t, (s, res) => reply(res, 201, {}, `${s.method} ${s.body}`));
    const reg = await basicRegistry(t, (_s, res) =>
      reply(res, 307, { location: `${target.origin}/upload?sig=1` }),
    );
    const transport = transportFor(t, reg);
    let calls = 0;
    const res = await transport.request({
      method: 'PUT',
      path: '/v2/a/blobs/uploads/u1?digest=sha256:ab',
      scope: 'repository:a:pull,push',
      followRedirects: true,
      body: async function* () {
        calls++;
        yield Buffer.from('chunk-');
        yield Buffer.from('two');
      },
    });
    assert.equal(await res.text(), 'PUT chunk-two');
    assert.equal(calls, 2);
    assert.equal(target.seen[0]?.headers.authorization, undefined);
  });

  it('turns a POST into a bodiless GET on 303', async (t) => {
    const reg = await basicRegistry(t, (s, res) =>
      s.method === 'POST'
        ? reply(res, 303, { location: '/v2/a/done' })
        : reply(res, 200, {}, `${s.method} ${s.body.length}`),
    );
    const transport = transportFor(t, reg);
    const res = await transport.request({
      method: 'POST',
      path: '/v2/a/blobs/uploads/',
      scope: 'repository:a:pull,push',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from('data'),
      followRedirects: true,
    });
    assert.equal(await res.text(), 'GET 0');
    assert.equal(reg.seen.at(-1)?.headers['content-type'], undefined);
  });

  it('returns a redirect as is when not following (the default for writes)', async (t) => {
    const reg = await basicRegistry(t, (_s, res) => reply(res, 307, { location: '/elsewhere' }));
    const transport = transportFor(t, reg);
    const req = {
      method: 'PUT',
      path: '/v2/a/manifests/1',
      scope: 'repository:a:pull,push',
      body: Buffer.from('{}'),
    } as const;
    const res = await transport.request({ ...req, expect: [307] });
    assert.equal(res.headers.get('location'), '/elsewhere');
    await assert.rejects(
      transport.request(req),
      (err: unknown) => err instanceof RegistryError && err.status === 307,
    );
  });

  it('refuses a redirect to plain http on a non-loopback host', async (t) => {
    const reg = await basicRegistry(t, (_s, res) =>
      reply(res, 302, { location: 'http://cdn.example.invalid/b?sig=secret' }),
    );
    const transport = transportFor(t, reg);
    await assert.rejects(
      transport.request(blob),
      (err: unknown) =>
        err instanceof PithError && err.code === 'PLAIN_HTTP_REFUSED' && !err.message.includes('secret'),
    );
  });
});
