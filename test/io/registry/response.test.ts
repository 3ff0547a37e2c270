// What a successful request returns (style.md §1.2): the final URL, headers, a web stream body read once
// (text, bytes, or the stream itself), bytes(max) refusing oversized bodies, and no body for HEAD.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { RegistryTransport } from '../../../src/io/registry/transport/index.ts';
import { PithError } from '../../../src/util/index.ts';
import { reply, serve, type TestServer } from './transport-server.ts';

function transportFor(t: TestContext, srv: TestServer) {
  const transport = new RegistryTransport({ registry: srv.host, userAgent: 'pith-test/1' });
  t.after(() => transport.close());
  return transport;
}

const blob = (method: 'GET' | 'HEAD') =>
  ({ method, path: '/v2/a/blobs/sha256:00', scope: 'repository:a:pull' }) as const;

describe('RegistryResponse', () => {
  it('streams the body and exposes headers and the final URL', async (t) => {
    const srv = await serve(t, (_s, res) =>
      reply(
        res,
        200,
        { 'docker-content-digest': 'sha256:00', 'content-type': 'application/octet-stream' },
        'x'.repeat(100_000),
      ),
    );
    const res = await transportFor(t, srv).request(blob('GET'));
    assert.equal(res.headers.get('Docker-Content-Digest'), 'sha256:00');
    assert.equal(res.url, `${srv.origin}/v2/a/blobs/sha256:00`);
    let size = 0;
    for await (const chunk of res.body!) size += chunk.byteLength;
    assert.equal(size, 100_000);
    assert.equal(srv.seen.at(-1)?.headers['user-agent'], 'pith-test/1');
  });

  it('has no body for HEAD, and reads it once otherwise', async (t) => {
    const srv = await serve(t, (_s, res) => reply(res, 200, { 'content-length': '5' }, 'hello'));
    const transport = transportFor(t, srv);
    const head = await transport.request(blob('HEAD'));
    assert.equal(head.body, null);
    assert.equal(head.headers.get('content-length'), '5');
    assert.equal((await head.bytes()).length, 0);
    const got = await transport.request(blob('GET'));
    assert.equal(await got.text(), 'hello');
    await assert.rejects(got.text(), (err: unknown) => err instanceof PithError && err.code === 'BODY_USED');
  });

  it('refuses to read more than bytes(max) allows', async (t) => {
    const srv = await serve(t, (_s, res) => reply(res, 200, {}, 'y'.repeat(2048)));
    const transport = transportFor(t, srv);
    await assert.rejects(
      (await transport.request(blob('GET'))).bytes(1024),
      (err: unknown) => err instanceof PithError && err.code === 'TOO_LARGE' && err.kind === 'io',
    );
    assert.equal((await (await transport.request(blob('GET'))).bytes(2048)).length, 2048);
  });
});
