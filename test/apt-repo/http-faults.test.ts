// The Debian mirror client against network faults, through the fault proxy on 127.0.0.1: a body cut short
// (FIN, RST), stalled or with broken chunked framing is fetched again — from the byte it stopped at where
// the server answers Range with a 206, else whole — and arrives byte-identical; the idle timeout fails a
// stall, not a slow transfer; when every attempt fails, one io error names the URL, how far it got and
// that it gave up. Packages indexes and .debs of the signed fake repository survive a stall each. The waits
// between attempts go to a fake sleep that records the delay asked for and returns at once; the idle
// timeout stays a real timer.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ContentCache,
  fetchBytes,
  fetchDebs,
  fetchPackages,
  fetchRelease,
  fetchToFile,
  parseKeyring,
} from '../../src/apt-repo/index.ts';
import {
  everyFault,
  type FakeRepo,
  failGets,
  type MemoryRegistry,
  type ProxyRule,
  startFakeRepo,
  startFaultProxy,
  startMemoryRegistry,
} from '../../src/testing/index.ts';
import { PithError } from '../../src/util/index.ts';
import { tempDir } from '../helpers.ts';
import { blob, pushMonolithic } from '../testing/registry-fixtures.ts';

let reg: MemoryRegistry;
const big = blob(randomBytes(1 << 20));
let repo: FakeRepo;

before(async () => {
  reg = await startMemoryRegistry(); // its /blob/<digest> storage endpoint honours Range
  await pushMonolithic(reg.url, 'files', big);
  repo = await startFakeRepo([
    { name: 'trixie', packages: [{ name: 'app', version: '1.0-1', files: { 'usr/bin/app': 'app\n' } }] },
  ]);
});
after(async () => {
  await reg.close();
  await repo.close();
});

/** A sleep that records the delays asked for and returns at once. */
function fakeSleep() {
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  return { slept, sleep };
}

async function proxied(
  t: { after: (fn: () => Promise<void>) => void },
  upstream: string,
  rules: ProxyRule[],
) {
  const proxy = await startFaultProxy(upstream, rules);
  t.after(() => proxy.close());
  return proxy;
}

describe('mirror downloads cut short are fetched again', () => {
  for (const [what, fault] of everyFault(300_000)) {
    it(`after ${what}, resumed with Range where the server allows`, async (t) => {
      const proxy = await proxied(t, reg.url, [failGets('/blob/', fault)]);
      const { slept, sleep } = fakeSleep();
      const bytes = await fetchBytes(`${proxy.url}/blob/${big.digest}`, { idleTimeoutMs: 1000, sleep });
      assert.deepEqual(bytes, big.bytes);
      assert.deepEqual(slept, [250]);
      const [first, second] = proxy.requests;
      assert.deepEqual([first?.status, first?.fault, second?.status], [200, fault.kind, 206]);
      const from = Number(/^bytes=(\d+)-$/.exec(second?.range ?? '')?.[1]);
      assert.ok(from > 0 && from <= 300_000, `resumed from ${second?.range}`);
    });
  }

  it('reads the whole file again from a server without Range', async (t) => {
    // the fake repository ignores Range: its answer to the resumed request is the whole file again
    const proxy = await proxied(t, repo.url, [failGets('.deb', { kind: 'drop', afterBytes: 100 })]);
    const deb = 'pool/main/a/app/app_1.0-1_amd64.deb';
    const direct = await fetchBytes(`${repo.url}/${deb}`);
    const { slept, sleep } = fakeSleep();
    assert.deepEqual(await fetchBytes(`${proxy.url}/${deb}`, { sleep }), direct);
    assert.deepEqual(slept, [250]);
    assert.deepEqual(
      proxy.requests.map((r) => [r.status, r.range, r.fault]),
      [
        [200, undefined, 'drop'],
        [200, 'bytes=100-', undefined],
      ],
    );
  });

  it('into a file: resumed with Range, the file holds the whole body and its sha256 is that of the whole', async (t) => {
    const proxy = await proxied(t, reg.url, [failGets('/blob/', { kind: 'drop', afterBytes: 300_000 })]);
    const { sleep } = fakeSleep();
    const file = join(await tempDir(t), 'blob');
    const got = await fetchToFile(`${proxy.url}/blob/${big.digest}`, file, { idleTimeoutMs: 1000, sleep });
    assert.deepEqual(await readFile(file), big.bytes);
    assert.deepEqual(got, { size: big.bytes.length, sha256: big.digest.slice('sha256:'.length) });
    assert.deepEqual(
      proxy.requests.map((r) => r.status),
      [200, 206],
    );
  });

  it('into a file: a server without Range sends the whole file again, and the file is started again', async (t) => {
    const proxy = await proxied(t, repo.url, [failGets('.deb', { kind: 'drop', afterBytes: 100 })]);
    const deb = 'pool/main/a/app/app_1.0-1_amd64.deb';
    const direct = (await fetchBytes(`${repo.url}/${deb}`))!;
    const { sleep } = fakeSleep();
    const file = join(await tempDir(t), 'deb');
    const got = await fetchToFile(`${proxy.url}/${deb}`, file, { sleep });
    assert.deepEqual(await readFile(file), direct);
    assert.deepEqual(got, { size: direct.length, sha256: createHash('sha256').update(direct).digest('hex') });
    // absent: undefined, nothing claimed
    assert.equal(await fetchToFile(`${repo.url}/pool/main/n/nope.deb`, file, { sleep }), undefined);
  });

  it('into a file that cannot be written: CACHE_UNWRITABLE at once, not retried as a network fault', async (t) => {
    const { slept, sleep } = fakeSleep();
    const url = `${reg.url}/blob/${big.digest}`;
    // /dev/full takes the open and fails every write (ENOSPC)
    await assert.rejects(fetchToFile(url, '/dev/full', { sleep }), { code: 'CACHE_UNWRITABLE' });
    await assert.rejects(fetchToFile(url, join(await tempDir(t), 'no', 'such', 'dir'), { sleep }), {
      code: 'CACHE_UNWRITABLE',
    });
    assert.deepEqual(slept, [], 'no attempt was retried');
  });

  it('gives up after 4 attempts with one io error', async (t) => {
    const proxy = await proxied(t, reg.url, [failGets('/blob/', { kind: 'drop', afterBytes: 1000 }, 99)]);
    const url = `${proxy.url}/blob/${big.digest}`;
    const { slept, sleep } = fakeSleep();
    await assert.rejects(fetchBytes(url, { sleep }), (err: unknown) => {
      assert.ok(err instanceof PithError);
      assert.equal(err.kind, 'io');
      assert.equal(err.code, 'FETCH_FAILED');
      assert.match(
        err.message,
        new RegExp(
          `^GET ${url}: connection lost after 4000 of ${big.bytes.length} bytes \\(.+\\); gave up after 4 attempts$`,
        ),
      );
      return true;
    });
    assert.deepEqual(slept, [250, 500, 1000], 'three backoffs, none after the last attempt');
  });

  it('does not time out a slow transfer while bytes flow', async (t) => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '15' });
      let sent = 0;
      const tick = setInterval(() => {
        res.write('x');
        if (++sent === 15) {
          clearInterval(tick);
          res.end();
        }
      }, 100);
      res.on('close', () => clearInterval(tick));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    t.after(() => new Promise<void>((done) => server.close(() => done())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
    // fifteen bytes 100 ms apart: longer in all than the idle limit, never idle for as long
    const bytes = await fetchBytes(url, { idleTimeoutMs: 1000, attempts: 1 });
    assert.equal(bytes?.toString(), 'x'.repeat(15));
  });
});

describe('Packages indexes and .debs of a signed repository', () => {
  it('survive a stall each: the index by hash and the .deb are fetched again', async (t) => {
    const { slept, sleep } = fakeSleep();
    const network = { idleTimeoutMs: 1000, sleep };
    const proxy = await proxied(t, repo.url, [
      failGets('/by-hash/', { kind: 'stall', afterBytes: 50 }),
      failGets('.deb', { kind: 'stall', afterBytes: 50 }),
    ]);
    const keys = await parseKeyring(Buffer.from(repo.publicKey), 'fake key');
    const suite = { base: proxy.url, suite: 'trixie' };
    const release = await fetchRelease(suite, { keys, network });
    const pkgs = await fetchPackages(suite, release, 'main', 'amd64', { keys, network });
    assert.deepEqual(
      pkgs.map((p) => p.name),
      ['app'],
    );
    const cache = new ContentCache(join(await tempDir(t), 'cache'));
    const debs = await fetchDebs(pkgs, { cache, network });
    assert.equal((await debs.get(pkgs[0]!.sha256)!()).length, pkgs[0]!.size);
    const stalled = proxy.requests.filter((r) => r.fault === 'stall').map((r) => r.path);
    assert.equal(stalled.length, 2, 'the index and the .deb each stalled once');
    assert.deepEqual(slept, [250, 250], 'one backoff for each stall');
    for (const path of stalled)
      assert.ok(
        proxy.requests.some((r) => r.path === path && r.status === 200 && !r.fault),
        path,
      );
  });
});
