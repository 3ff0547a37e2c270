// Retries (oci.md §12.7): capped exponential backoff, Retry-After in seconds or as an HTTP date, retries
// on 5xx/429 and on dropped connections, body factories called again per attempt, POST retried only
// where the server did not act on it, and a bounded idle timeout. The waits between attempts go to a fake
// sleep that records the delay asked for and returns at once: no test waits out a real backoff.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  RegistryError,
  RegistryTransport,
  type TransportOptions,
} from '../../../src/io/registry/transport/index.ts';
import { backoffMs, parseRetryAfter, retryableStatus } from '../../../src/io/registry/transport/retry.ts';
import { errorBody, reply, serve, type TestServer } from './transport-server.ts';

interface Retry {
  attempt: number;
  reason: string;
  delayMs: number;
}

function transportFor(t: TestContext, srv: TestServer, more: Partial<TransportOptions> = {}) {
  const retries: Retry[] = [];
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  const transport = new RegistryTransport({
    registry: srv.host,
    onRetry: (r) => retries.push(r),
    sleep,
    ...more,
  });
  t.after(() => transport.close());
  return { transport, retries, slept };
}

const get = { method: 'GET', path: '/v2/a/manifests/latest', scope: 'repository:a:pull' } as const;

describe('backoff and Retry-After', () => {
  it('doubles from 250 ms up to 4 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 10].map(backoffMs), [250, 500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('reads seconds and HTTP dates, capped at 30 s', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('120', now), 30_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0, 'a past date means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-1', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('retries POST and PATCH only on 429 and 503', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(retryableStatus(s, 'GET'), true, String(s));
    for (const s of [400, 401, 404, 501]) assert.equal(retryableStatus(s, 'PUT'), false, String(s));
    assert.deepEqual(
      [429, 500, 502, 503, 504].filter((s) => retryableStatus(s, 'POST')),
      [429, 503],
    );
    assert.deepEqual(
      [429, 500, 503].filter((s) => retryableStatus(s, 'PATCH')),
      [429, 503],
    );
  });
});

describe('RegistryTransport retries', () => {
  it('retries 500s with backoff, then succeeds', async (t) => {
    const srv = await serve(t, (s, res, n) =>
      s.url !== '/v2/' && n <= 3 ? reply(res, 500, {}, 'boom') : reply(res, 200, {}, 'ok'),
    );
    const { transport, retries, slept } = transportFor(t, srv);
    assert.equal(await (await transport.request(get)).text(), 'ok');
    assert.deepEqual(retries, [
      { attempt: 1, reason: 'HTTP 500', delayMs: 250 },
      { attempt: 2, reason: 'HTTP 500', delayMs: 500 },
    ]);
    assert.deepEqual(slept, [250, 500]);
  });

  it('takes the wait after a 429 from its Retry-After', async (t) => {
    let limited = false;
    const srv = await serve(t, (s, res) => {
      if (s.url === '/v2/') return reply(res, 200);
      if (!limited) {
        limited = true;
        return reply(res, 429, { 'retry-after': '1' }, errorBody('TOOMANYREQUESTS', 'slow down'));
      }
      reply(res, 200, {}, 'ok');
    });
    const { transport, retries, slept } = transportFor(t, srv);
    assert.equal(await (await transport.request(get)).text(), 'ok');
    // the wait asked for, not the time it took (machines differ)
    assert.deepEqual(retries, [{ attempt: 1, reason: 'HTTP 429', delayMs: 1000 }]);
    assert.deepEqual(slept, [1000]);
  });

  it('retries after the connection is reset', async (t) => {
    const srv = await serve(t, (s, res, n) => {
      if (s.url !== '/v2/' && n === 2) res.socket?.destroy();
      else reply(res, 200, {}, 'ok');
    });
    const { transport, retries, slept } = transportFor(t, srv);
    assert.equal(await (await transport.request(get)).text(), 'ok');
    assert.equal(retries.length, 1);
    assert.equal(retries[0]?.reason, 'ECONNRESET');
    assert.deepEqual(slept, [250]);
  });

  it('calls the body factory again for every attempt', async (t) => {
    const srv = await serve(t, (s, res, n) =>
      s.url !== '/v2/' && n === 2 ? reply(res, 503) : reply(res, 201, {}, s.body),
    );
    const { transport, retries, slept } = transportFor(t, srv);
    let calls = 0;
    const res = await transport.request({
      method: 'PUT',
      path: '/v2/a/blobs/uploads/u?digest=sha256:00',
      scope: 'repository:a:pull,push',
      body: async function* () {
        calls++;
        yield Buffer.from(`attempt ${calls}`);
      },
    });
    assert.equal(await res.text(), 'attempt 2');
    assert.equal(calls, 2);
    assert.equal(srv.seen[1]?.body.toString(), 'attempt 1');
    assert.equal(retries.length, 1);
    assert.deepEqual(slept, [250]);
  });

  it('does not retry a POST that failed with 500, but does on 503', async (t) => {
    const srv = await serve(t, (s, res) => {
      if (s.url === '/v2/') return reply(res, 200);
      if (s.url.endsWith('?fail=500')) return reply(res, 500, {}, errorBody('UNKNOWN', 'internal'));
      const post503 = srv.seen.filter((x) => x.url.endsWith('?fail=503')).length;
      reply(res, post503 === 1 ? 503 : 202);
    });
    const { transport, retries, slept } = transportFor(t, srv);
    const post = { method: 'POST', path: '/v2/a/blobs/uploads/', scope: 'repository:a:pull,push' } as const;
    await assert.rejects(
      transport.request({ ...post, path: `${post.path}?fail=500` }),
      (err: unknown) => err instanceof RegistryError && err.status === 500 && err.temporary,
    );
    assert.equal(retries.length, 0);
    assert.deepEqual(slept, []);
    assert.equal((await transport.request({ ...post, path: `${post.path}?fail=503` })).status, 202);
    assert.equal(retries.length, 1);
    assert.deepEqual(slept, [250]);
  });

  it('stops after the configured attempts and reports the last answer', async (t) => {
    const srv = await serve(t, (s, res) =>
      s.url === '/v2/' ? reply(res, 200) : reply(res, 502, {}, 'bad gateway'),
    );
    const { transport, retries, slept } = transportFor(t, srv, { retries: 2 });
    await assert.rejects(
      transport.request(get),
      (err: unknown) => err instanceof RegistryError && err.status === 502 && err.kind === 'io',
    );
    assert.equal(retries.length, 1);
    assert.deepEqual(slept, [250], 'no wait after the last attempt');
    assert.equal(srv.seen.length, 3);
  });

  it('times out a silent server and retries it', async (t) => {
    const srv = await serve(t, (s, res) => (s.url === '/v2/' ? reply(res, 200) : undefined));
    // the idle timeout is a real timer on purpose; only the backoff after it is faked
    const { transport, retries, slept } = transportFor(t, srv, { retries: 2, timeoutMs: 150 });
    await assert.rejects(
      transport.request(get),
      (err: unknown) =>
        err instanceof RegistryError &&
        err.code === 'REGISTRY_UNREACHABLE' &&
        /ETIMEDOUT/.test(err.message) &&
        err.temporary,
    );
    assert.deepEqual(
      retries.map((r) => r.reason),
      ['ETIMEDOUT'],
    );
    assert.deepEqual(slept, [250]);
  });
});
