// The fault proxy itself, seen by a plain node:http client: it forwards requests (Range included) and
// answers cleanly when no rule applies; a drop delivers exactly N body bytes and closes, broken chunked
// framing fails the client's parser after N bytes, a stall sends N bytes and then nothing; attempts are
// counted per rule, method and path, and every request is logged with its status and fault.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  type FaultProxy,
  failGets,
  type MemoryRegistry,
  type ProxyFault,
  startFaultProxy,
  startMemoryRegistry,
} from '../../src/testing/index.ts';
import { blob, pushMonolithic } from './registry-fixtures.ts';

interface Got {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  bytes: number;
  /** How the body ended: 'end', the first error code, or 'idle' when the client gave up waiting. */
  outcome: string;
}

/** GETs `url`, counting body bytes; gives up after 300 ms without a byte. */
function get(url: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((done) => {
    const got: Got = { bytes: 0, outcome: '' };
    const finish = (outcome: string) => {
      if (got.outcome) return;
      got.outcome = outcome;
      done(got);
    };
    const req = request(url, { headers, agent: false }, (res) => {
      got.status = res.statusCode;
      got.headers = res.headers;
      res.on('data', (c: Buffer) => (got.bytes += c.length));
      res.on('end', () => finish('end'));
      res.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    });
    req.setTimeout(300, () => {
      finish('idle');
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    req.end();
  });
}

const data = blob(Buffer.alloc(50_000, 1));
let reg: MemoryRegistry;
before(async () => {
  reg = await startMemoryRegistry();
  await pushMonolithic(reg.url, 'p', data);
});
after(() => reg.close());

describe('fault proxy', () => {
  const path = `/v2/p/blobs/${data.digest}`;
  async function proxy(fault?: ProxyFault, times = 1): Promise<FaultProxy> {
    const p = await startFaultProxy(reg.url, fault ? [failGets(data.digest, fault, times)] : []);
    return p;
  }

  it('forwards cleanly, Range included', async (t) => {
    const p = await proxy();
    t.after(() => p.close());
    const whole = await get(`${p.url}${path}`);
    assert.deepEqual([whole.status, whole.bytes, whole.outcome], [200, 50_000, 'end']);
    const part = await get(`${p.url}${path}`, { range: 'bytes=49000-' });
    assert.deepEqual(
      [part.status, part.bytes, part.headers?.['content-range']],
      [206, 1000, 'bytes 49000-49999/50000'],
    );
    assert.deepEqual(
      p.requests.map((r) => [r.method, r.path, r.status, r.range]),
      [
        ['GET', path, 200, undefined],
        ['GET', path, 206, 'bytes=49000-'],
      ],
    );
  });

  for (const [fault, outcome] of [
    [{ kind: 'drop', afterBytes: 1234 }, 'ECONNRESET'],
    [{ kind: 'bad-chunking', afterBytes: 1234 }, 'HPE_INVALID_CHUNK_SIZE'],
    [{ kind: 'stall', afterBytes: 1234 }, 'idle'],
  ] as const satisfies [ProxyFault, string][]) {
    it(`${fault.kind}: ${fault.afterBytes} body bytes, then ${outcome}; the next attempt is clean`, async (t) => {
      const p = await proxy(fault);
      t.after(() => p.close());
      const bad = await get(`${p.url}${path}`);
      assert.deepEqual([bad.status, bad.bytes, bad.outcome], [200, 1234, outcome]);
      const good = await get(`${p.url}${path}`);
      assert.deepEqual([good.bytes, good.outcome], [50_000, 'end']);
      assert.deepEqual(
        p.requests.map((r) => r.fault),
        [fault.kind, undefined],
      );
    });
  }

  it('counts attempts per method and path', async (t) => {
    const seen: number[] = [];
    const p = await startFaultProxy(reg.url, [
      {
        match: ({ path: at }) => at.startsWith('/v2/p/blobs/'),
        fault: (attempt) => {
          seen.push(attempt);
          return undefined;
        },
      },
    ]);
    t.after(() => p.close());
    await get(`${p.url}${path}`);
    await get(`${p.url}${path}`);
    await get(`${p.url}/v2/p/blobs/${blob('other').digest}`);
    assert.deepEqual(seen, [1, 2, 1]);
  });
});
