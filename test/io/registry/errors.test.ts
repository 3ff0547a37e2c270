// Registry errors (oci.md §12.7; style.md §1.6): distribution error JSON parsed into RegistryError codes,
// kinds by status, HEAD's missing body said so, bodies read under a 64 KiB cap, and URLs redacted so that
// no credential or signed query value ever appears in a message.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { RegistryError, RegistryTransport, redactUrl } from '../../../src/io/registry/transport/index.ts';
import { errorBody, reply, serve, type TestServer } from './transport-server.ts';

function transportFor(t: TestContext, srv: TestServer) {
  const transport = new RegistryTransport({ registry: srv.host, retries: 1 });
  t.after(() => transport.close());
  return transport;
}

async function failure(p: Promise<unknown>): Promise<RegistryError> {
  const err = await p.then(
    () => assert.fail('expected a RegistryError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RegistryError, String(err));
  return err;
}

describe('redactUrl', () => {
  it('drops user information and hides query values that may be secrets', () => {
    assert.equal(
      redactUrl('https://u:pw@reg.example.com/v2/a/blobs/uploads/x?_state=abc&digest=sha256:00&token=t#frag'),
      'https://reg.example.com/v2/a/blobs/uploads/x?_state=REDACTED&digest=sha256%3A00&token=REDACTED',
    );
    assert.equal(
      redactUrl('https://reg.example.com/v2/a/tags/list?n=10&last=b'),
      'https://reg.example.com/v2/a/tags/list?n=10&last=b',
    );
    assert.equal(redactUrl('not a url'), '<invalid URL>');
  });
});

describe('RegistryError from responses', () => {
  it('parses the distribution error JSON into code, message and detail', async (t) => {
    const srv = await serve(t, (s, res) =>
      s.url === '/v2/'
        ? reply(res, 200)
        : reply(
            res,
            404,
            { 'content-type': 'application/json' },
            errorBody('MANIFEST_UNKNOWN', 'manifest unknown', { Tag: 'nope' }),
          ),
    );
    const err = await failure(
      transportFor(t, srv).request({
        method: 'GET',
        path: '/v2/a/manifests/nope?X-Signature=s3cr3t&n=1',
        scope: 'repository:a:pull',
      }),
    );
    assert.equal(err.status, 404);
    assert.equal(err.code, 'MANIFEST_UNKNOWN');
    assert.equal(err.kind, 'input');
    assert.equal(err.method, 'GET');
    assert.deepEqual(err.errors, [
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'nope' } },
    ]);
    assert.equal(err.url, `${srv.origin}/v2/a/manifests/nope?X-Signature=REDACTED&n=1`);
    assert.equal(
      err.message,
      `GET ${srv.origin}/v2/a/manifests/nope?X-Signature=REDACTED&n=1: 404 Not Found: MANIFEST_UNKNOWN: manifest unknown ({"Tag":"nope"})`,
    );
    assert.ok(!JSON.stringify(err.details).includes('s3cr3t'));
    assert.equal(err.temporary, false);
  });

  it('says that HEAD responses have no body', async (t) => {
    const srv = await serve(t, (s, res) => (s.url === '/v2/' ? reply(res, 200) : reply(res, 404)));
    const err = await failure(
      transportFor(t, srv).request({
        method: 'HEAD',
        path: '/v2/a/blobs/sha256:00',
        scope: 'repository:a:pull',
      }),
    );
    assert.equal(err.code, 'NOT_FOUND');
    assert.match(
      err.message,
      /^HEAD .*: 404 Not Found \(HEAD responses have no body, use GET for details\)$/,
    );
  });

  it('keeps a body that is not error JSON, read under a 64 KiB cap', async (t) => {
    const big = `<html>${'x'.repeat(200_000)}</html>`;
    const srv = await serve(t, (s, res) => (s.url === '/v2/' ? reply(res, 200) : reply(res, 400, {}, big)));
    const err = await failure(
      transportFor(t, srv).request({ method: 'GET', path: '/v2/a/tags/list', scope: 'repository:a:pull' }),
    );
    assert.equal(err.code, 'REGISTRY_ERROR');
    assert.equal(err.kind, 'io');
    assert.equal(err.body?.length, 64 * 1024);
    assert.ok(err.message.length < 600, 'the message quotes only the start of the body');
    assert.match(err.message, /400 Bad Request: <html>x+…$/);
  });

  it('names the registry code for 403 and 405', async (t) => {
    const srv = await serve(t, (s, res) => {
      if (s.url === '/v2/') return reply(res, 200);
      if (s.method === 'DELETE')
        return reply(res, 405, {}, errorBody('UNSUPPORTED', 'The operation is unsupported.'));
      reply(res, 403, {}, errorBody('DENIED', 'requested access to the resource is denied'));
    });
    const transport = transportFor(t, srv);
    const denied = await failure(
      transport.request({ method: 'GET', path: '/v2/a/manifests/1', scope: 'repository:a:pull' }),
    );
    assert.deepEqual([denied.code, denied.kind, denied.status], ['DENIED', 'input', 403]);
    const del = await failure(
      transport.request({
        method: 'DELETE',
        path: '/v2/a/manifests/sha256:00',
        scope: 'repository:a:delete',
      }),
    );
    assert.deepEqual([del.code, del.kind, del.status], ['UNSUPPORTED', 'io', 405]);
  });

  it('reports an unreachable registry without a status', async (t) => {
    const srv = await serve(t, () => undefined);
    const host = srv.host;
    await new Promise<void>((r) => srv.server.close(() => r()));
    const transport = new RegistryTransport({ registry: host, retries: 1 });
    t.after(() => transport.close());
    const err = await failure(transport.request({ method: 'GET', path: '/v2/', scope: '' }));
    assert.equal(err.status, undefined);
    assert.equal(err.code, 'REGISTRY_UNREACHABLE');
    assert.match(err.message, /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/: .*ECONNREFUSED/);
  });
});
