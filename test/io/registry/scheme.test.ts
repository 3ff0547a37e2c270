// The scheme decision (oci.md §12, §16): https for every non-loopback name, plain http only for loopback
// or an insecure registry, plain http refused before any network I/O; TLS with an extra CA bundle
// (caFile) against a self-signed certificate made here with the openssl CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  endpointFor,
  isLoopback,
  RegistryError,
  RegistryTransport,
  schemeFor,
} from '../../../src/io/registry/transport/index.ts';
import { PithError } from '../../../src/util/index.ts';
import { tempDir } from '../../helpers.ts';
import { reply, serve } from './transport-server.ts';

const pithError = (code: string) => (err: unknown) => {
  assert.ok(err instanceof PithError, String(err));
  assert.equal(err.code, code, err.message);
  return true;
};

describe('schemeFor', () => {
  it('uses https for names that are not loopback', () => {
    assert.equal(schemeFor('registry.example.com'), 'https');
    assert.equal(schemeFor('registry.example.com:5000'), 'https');
    assert.equal(schemeFor('10.0.0.1:5000'), 'https');
    assert.equal(schemeFor('localhost.example.com'), 'https');
    assert.equal(schemeFor('127.example.com'), 'https');
  });

  it('uses plain http for loopback hosts', () => {
    assert.equal(schemeFor('127.0.0.1:5000'), 'http');
    assert.equal(schemeFor('127.9.8.7'), 'http');
    assert.equal(schemeFor('localhost:5000'), 'http');
    assert.equal(schemeFor('LocalHost'), 'http');
    assert.equal(schemeFor('[::1]:5000'), 'http');
  });

  it('uses plain http for any host marked insecure', () => {
    assert.equal(schemeFor('registry.example.com', true), 'http');
    assert.equal(schemeFor('http://registry.example.com:5000', true), 'http');
  });

  it('honours an explicit scheme: https even on loopback, http only where allowed', () => {
    assert.equal(schemeFor('https://127.0.0.1:5000'), 'https');
    assert.equal(schemeFor('http://localhost:5000'), 'http');
    assert.throws(() => schemeFor('http://registry.example.com'), pithError('PLAIN_HTTP_REFUSED'));
  });

  it('normalises the host credentials are looked up under', () => {
    assert.deepEqual(endpointFor('Registry.Example.COM:5000/'), {
      scheme: 'https',
      host: 'registry.example.com:5000',
      origin: 'https://registry.example.com:5000',
    });
    assert.deepEqual(endpointFor('[0:0:0:0:0:0:0:1]:5000'), {
      scheme: 'http',
      host: '[::1]:5000',
      origin: 'http://[::1]:5000',
    });
  });

  it('refuses what is not host[:port], without echoing user information', () => {
    assert.throws(() => endpointFor('registry.example.com/v2'), pithError('BAD_REGISTRY'));
    assert.throws(() => endpointFor(''), pithError('BAD_REGISTRY'));
    assert.throws(
      () => endpointFor('alice:hunter2@registry.example.com'),
      (err: unknown) => pithError('BAD_REGISTRY')(err) && !(err as Error).message.includes('hunter2'),
    );
  });

  it('knows the loopback ranges', () => {
    for (const h of [
      '127.0.0.1',
      '127.255.255.254',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      '0:0::1',
      'localhost',
      'localhost.',
    ])
      assert.equal(isLoopback(h), true, h);
    for (const h of [
      '128.0.0.1',
      '10.0.0.1',
      '::2',
      '::ffff:10.0.0.1',
      'example.com',
      'localhost.example.com',
    ])
      assert.equal(isLoopback(h), false, h);
  });
});

describe('RegistryTransport scheme', () => {
  it('refuses plain http to a non-loopback host before any network I/O', async () => {
    let asked = 0;
    const transport = new RegistryTransport({
      registry: 'http://registry.invalid:1',
      credentials: async () => {
        asked++;
        return { username: 'u', password: 'p' };
      },
    });
    assert.throws(() => transport.scheme, pithError('PLAIN_HTTP_REFUSED'));
    await assert.rejects(
      transport.request({ method: 'GET', path: '/v2/a/tags/list', scope: 'repository:a:pull' }),
      (err: unknown) =>
        pithError('PLAIN_HTTP_REFUSED')(err) && /not a loopback address/.test((err as Error).message),
    );
    assert.equal(asked, 0);
  });

  it('speaks plain http to 127.0.0.1', async (t) => {
    const srv = await serve(t, (_req, res) => reply(res, 200, {}, '{}'));
    const transport = new RegistryTransport({ registry: srv.host });
    t.after(() => transport.close());
    assert.equal(transport.scheme, 'http');
    const res = await transport.request({ method: 'GET', path: '/v2/', scope: '' });
    assert.equal(res.url, `${srv.origin}/v2/`);
  });
});

describe('TLS with caFile', () => {
  it('trusts a self-signed registry through caFile, and only then', async (t) => {
    const dir = await tempDir(t);
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    const tls = { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
    const srv = await serve(
      t,
      (req, res) => reply(res, 200, { 'content-type': 'text/plain' }, `tls ${req.url}`),
      tls,
    );
    const registry = `https://${srv.host}`;

    const trusted = new RegistryTransport({ registry, caFile: cert });
    t.after(() => trusted.close());
    assert.equal(trusted.scheme, 'https');
    const res = await trusted.request({
      method: 'GET',
      path: '/v2/a/manifests/1',
      scope: 'repository:a:pull',
    });
    assert.equal(await res.text(), 'tls /v2/a/manifests/1');

    const retries: unknown[] = [];
    const untrusted = new RegistryTransport({ registry, onRetry: (i) => retries.push(i) });
    t.after(() => untrusted.close());
    await assert.rejects(
      untrusted.request({ method: 'GET', path: '/v2/', scope: '' }),
      (err: unknown) =>
        err instanceof RegistryError &&
        err.code === 'REGISTRY_UNREACHABLE' &&
        err.status === undefined &&
        /certificate/i.test(err.message) &&
        /caFile/.test(err.message),
    );
    assert.deepEqual(retries, [], 'a certificate failure is not retried');

    const notPem = join(dir, 'not.pem');
    await writeFile(notPem, 'hello');
    for (const caFile of [join(dir, 'missing.pem'), notPem]) {
      const bad = new RegistryTransport({ registry, caFile });
      await assert.rejects(bad.request({ method: 'GET', path: '/v2/', scope: '' }), pithError('BAD_CA_FILE'));
    }
  });
});
