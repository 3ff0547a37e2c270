// Fault injection and redirects of the memory registry: a 500 then success (with the per-fault count n),
// 429 with Retry-After, a connection reset in the middle of a PATCH that leaves the session intact, a
// corrupt blob under its correct digest header, and a blob GET 307'd to another server, where Node's fetch
// (undici, redirect: 'follow') drops Authorization on the cross-origin hop — the other server records none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startMemoryRegistry } from '../../src/testing/memory-registry.ts';
import { blob, bodyDigest, errorCode, pushMonolithic } from './registry-fixtures.ts';

describe('memory registry: faults', () => {
  it('fails the first matching request with 500, then succeeds', async () => {
    const b = blob('flaky');
    const seen: number[] = [];
    const reg = await startMemoryRegistry({
      faults: [
        {
          match: ({ method, path, n }) => {
            if (method !== 'GET' || !path.includes('/blobs/sha256:')) return false;
            seen.push(n);
            return n === 1;
          },
          action: 'status-500',
        },
        { match: ({ path }) => path.endsWith('/tags/list'), action: { status: 429, retryAfter: '7' } },
      ],
    });
    try {
      await pushMonolithic(reg.url, 'f', b);
      const first = await fetch(`${reg.url}/v2/f/blobs/${b.digest}`);
      assert.equal(first.status, 500);
      assert.equal(await errorCode(first), 'UNKNOWN');
      const second = await fetch(`${reg.url}/v2/f/blobs/${b.digest}`);
      assert.equal(second.status, 200);
      assert.equal(await second.text(), 'flaky');
      assert.deepEqual(seen, [1, 2], 'n counts the requests the predicate accepted before');
      const limited = await fetch(`${reg.url}/v2/f/tags/list`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '7');
      assert.equal(await errorCode(limited), 'TOOMANYREQUESTS');
    } finally {
      await reg.close();
    }
  });

  it('resets the connection in the middle of a PATCH and keeps the session as it was', async () => {
    const reg = await startMemoryRegistry({
      faults: [{ match: ({ method, attempt }) => method === 'PATCH' && attempt === 2, action: 'reset' }],
    });
    try {
      const data = blob(Buffer.alloc(4 * 1024 * 1024, 7));
      const start = await fetch(`${reg.url}/v2/r/blobs/uploads/`, { method: 'POST' });
      const loc = new URL(start.headers.get('location')!, reg.url).href;
      const half = 2 * 1024 * 1024;
      const patch = (from: number, to: number) =>
        fetch(loc, {
          method: 'PATCH',
          headers: { 'Content-Range': `${from}-${to - 1}` },
          body: data.bytes.subarray(from, to),
        });
      assert.equal((await patch(0, half)).status, 202);
      await assert.rejects(patch(half, data.bytes.length), TypeError, 'fetch fails on the reset');
      const status = await fetch(loc);
      assert.equal(status.headers.get('range'), `0-${half - 1}`, 'the reset chunk was not stored');
      assert.equal((await patch(half, data.bytes.length)).status, 202, 'the third PATCH passes');
      const put = await fetch(`${loc}?digest=${data.digest}`, { method: 'PUT' });
      assert.equal(put.status, 201);
      const patches = reg.requests.filter((r) => r.method === 'PATCH').length;
      assert.equal(patches, 3, 'the registry recorded the reset request too');
    } finally {
      await reg.close();
    }
  });

  it('serves a corrupt blob with one byte flipped under the correct digest header', async () => {
    const b = blob('pristine content');
    const reg = await startMemoryRegistry({
      faults: [{ match: ({ method, n }) => method === 'GET' && n === 1, action: 'corrupt-blob' }],
    });
    try {
      await pushMonolithic(reg.url, 'c', b);
      const res = await fetch(`${reg.url}/v2/c/blobs/${b.digest}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('docker-content-digest'), b.digest);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(body.length, b.bytes.length);
      assert.notDeepEqual(body, b.bytes);
      assert.equal([...body].filter((x, i) => x !== b.bytes[i]).length, 1, 'exactly one byte differs');
      assert.equal(await bodyDigest(await fetch(`${reg.url}/v2/c/blobs/${b.digest}`)), b.digest);
    } finally {
      await reg.close();
    }
  });
});

describe('memory registry: redirectBlobsTo', () => {
  it("307s blob GETs to another origin, which Node's fetch reaches without Authorization", async () => {
    const storage = await startMemoryRegistry();
    const users = { alice: 'pw' };
    const reg = await startMemoryRegistry({ auth: { kind: 'basic', users }, redirectBlobsTo: storage.url });
    try {
      const auth = { Authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` };
      const b = blob('redirected blob');
      await pushMonolithic(reg.url, 'red', b, auth);
      storage.blobs.set(b.digest, reg.blobs.get(b.digest)!);
      const manual = await fetch(`${reg.url}/v2/red/blobs/${b.digest}`, {
        headers: auth,
        redirect: 'manual',
      });
      assert.equal(manual.status, 307);
      assert.equal(manual.headers.get('location'), `${storage.url}/blob/${b.digest}`);
      const res = await fetch(`${reg.url}/v2/red/blobs/${b.digest}`, {
        headers: { ...auth, 'X-Trace': 't1' },
      });
      assert.equal(res.status, 200);
      assert.equal(res.url, `${storage.url}/blob/${b.digest}`);
      assert.equal(await res.text(), 'redirected blob');
      const atRegistry = reg.requests.filter((r) => r.headers['x-trace'] === 't1');
      const atStorage = storage.requests.filter((r) => r.headers['x-trace'] === 't1');
      assert.equal(atRegistry.length, 1);
      assert.equal(atRegistry[0]!.headers['authorization'], auth.Authorization);
      assert.equal(atStorage.length, 1);
      assert.equal(atStorage[0]!.headers['authorization'], undefined, 'Authorization stripped cross-origin');
      assert.equal(atStorage[0]!.path, `/blob/${b.digest}`);
    } finally {
      await reg.close();
      await storage.close();
    }
  });
});
