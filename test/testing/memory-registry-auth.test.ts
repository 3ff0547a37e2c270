// The memory registry's auth modes: Basic (required, denied, accepted), and the bearer flow — challenge on
// /v2/, token by GET with Basic credentials or anonymously, by OAuth2 POST form only when tokenPostForm,
// and a 401 insufficient_scope challenge naming `pull,push` when a pull-only token is used to push.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MemoryRegistry, startMemoryRegistry } from '../../src/testing/memory-registry.ts';
import { blob, errorCode, pushMonolithic } from './registry-fixtures.ts';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('memory registry: basic auth', () => {
  let reg: MemoryRegistry;
  before(async () => {
    reg = await startMemoryRegistry({ auth: { kind: 'basic', users: { alice: 's3cret' } } });
  });
  after(() => reg.close());

  it('challenges without credentials, refuses wrong ones, accepts the right ones', async () => {
    const none = await fetch(`${reg.url}/v2/`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Basic realm="memory-registry"');
    assert.equal(await errorCode(none), 'UNAUTHORIZED');
    const wrong = await fetch(`${reg.url}/v2/`, { headers: { Authorization: basic('alice', 'nope') } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${reg.url}/v2/`, { headers: { Authorization: basic('alice', 's3cret') } });
    assert.equal(right.status, 200);
    await pushMonolithic(reg.url, 'private', blob('hello'), { Authorization: basic('alice', 's3cret') });
    const anon = await fetch(`${reg.url}/v2/private/blobs/${blob('hello').digest}`, { method: 'HEAD' });
    assert.equal(anon.status, 401);
  });
});

/** The parameters of a Bearer challenge (test-grade parser: quoted values without escapes). */
function challenge(header: string | null): Record<string, string> {
  if (header === null) assert.fail('no WWW-Authenticate header');
  assert.ok(header?.startsWith('Bearer '), `a Bearer challenge, got ${header}`);
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('memory registry: bearer auth', () => {
  let reg: MemoryRegistry;
  before(async () => {
    reg = await startMemoryRegistry({
      auth: { kind: 'bearer', users: { bob: 'pw' }, allowAnonymousPull: true },
    });
  });
  after(() => reg.close());

  async function token(scope: string, auth?: string): Promise<string> {
    const url = new URL(`${reg.url}/token`);
    url.searchParams.set('service', 'memory-registry');
    url.searchParams.set('scope', scope);
    const res = await fetch(url, { headers: auth ? { Authorization: auth } : {} });
    assert.equal(res.status, 200, `GET /token = ${res.status}`);
    const body = (await res.json()) as { token: string; access_token: string; expires_in: number };
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 300);
    return body.token;
  }

  it('challenges, issues a token for Basic credentials, and accepts it', async () => {
    const ping = await fetch(`${reg.url}/v2/`);
    assert.equal(ping.status, 401);
    const c = challenge(ping.headers.get('www-authenticate'));
    assert.deepEqual(c, { realm: `${reg.url}/token`, service: 'memory-registry' });
    const push = await fetch(`${reg.url}/v2/app/blobs/uploads/`, { method: 'POST' });
    assert.equal(push.status, 401);
    assert.equal(challenge(push.headers.get('www-authenticate'))['scope'], 'repository:app:pull,push');
    const t = await token('repository:app:pull,push', basic('bob', 'pw'));
    await pushMonolithic(reg.url, 'app', blob('layer'), { Authorization: `Bearer ${t}` });
    const bad = await fetch(`${reg.url}/token?service=memory-registry&scope=repository:app:pull`, {
      headers: { Authorization: basic('bob', 'wrong') },
    });
    assert.equal(bad.status, 401);
    const forged = await fetch(`${reg.url}/v2/`, {
      headers: { Authorization: `Bearer ${t.slice(0, -2)}xx` },
    });
    assert.equal(challenge(forged.headers.get('www-authenticate'))['error'], 'invalid_token');
  });

  it('answers 401 insufficient_scope naming pull,push when a pull-only token pushes', async () => {
    const t = await token('repository:app:pull', basic('bob', 'pw'));
    const pull = await fetch(`${reg.url}/v2/app/tags/list`, { headers: { Authorization: `Bearer ${t}` } });
    assert.notEqual(pull.status, 401, 'pull is granted');
    const push = await fetch(`${reg.url}/v2/app/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}` },
    });
    assert.equal(push.status, 401);
    const c = challenge(push.headers.get('www-authenticate'));
    assert.equal(c['scope'], 'repository:app:pull,push');
    assert.equal(c['error'], 'insufficient_scope');
  });

  it('grants anonymous callers pull only', async () => {
    const t = await token('repository:app:pull,push');
    const ok = await fetch(`${reg.url}/v2/app/blobs/${blob('layer').digest}`, {
      headers: { Authorization: `Bearer ${t}` },
    });
    assert.equal(ok.status, 200);
    const push = await fetch(`${reg.url}/v2/app/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}` },
    });
    assert.equal(push.status, 401);
  });
});

describe('memory registry: bearer auth with tokenPostForm', () => {
  it('accepts only the OAuth2 POST form and honours its grant', async () => {
    const reg = await startMemoryRegistry({
      auth: { kind: 'bearer', users: { bob: 'pw' }, service: 'svc', tokenPostForm: true },
    });
    try {
      const c = challenge((await fetch(`${reg.url}/v2/`)).headers.get('www-authenticate'));
      assert.equal(c['service'], 'svc');
      const get = await fetch(`${c['realm']}?service=svc&scope=repository:app:pull`, {
        headers: { Authorization: basic('bob', 'pw') },
      });
      assert.equal(get.status, 405);
      const form = (password: string) =>
        new URLSearchParams({
          grant_type: 'password',
          username: 'bob',
          password,
          service: 'svc',
          scope: 'repository:app:pull,push repository:other:pull',
          client_id: 'pith-test',
        });
      const denied = await fetch(c['realm']!, { method: 'POST', body: form('wrong') });
      assert.equal(denied.status, 400);
      assert.equal(((await denied.json()) as { error: string }).error, 'invalid_grant');
      const res = await fetch(c['realm']!, { method: 'POST', body: form('pw') });
      assert.equal(res.status, 200);
      const { access_token } = (await res.json()) as { access_token: string };
      await pushMonolithic(reg.url, 'app', blob('posted'), { Authorization: `Bearer ${access_token}` });
      const other = await fetch(`${reg.url}/v2/other/blobs/uploads/`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${access_token}` },
      });
      assert.equal(other.status, 401, 'push was not granted on "other"');
    } finally {
      await reg.close();
    }
  });
});
