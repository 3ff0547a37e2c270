// fetchDebs against a signed fake Debian repository on 127.0.0.1: every .deb ends up in the local cache,
// verified, and is read back only when its reader asks, hashed again: a cached copy changed meanwhile is
// fetched again (refused offline), and a cached file of the wrong size is not taken for the package.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ContentCache,
  fetchDebs,
  fetchPackages,
  fetchRelease,
  type Key,
  type PackageRecord,
  parseKeyring,
} from '../../src/apt-repo/index.ts';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';

let repo: FakeRepo;
let keys: Key[];
let pkgs: PackageRecord[];

before(async () => {
  repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [
        { name: 'libc6', version: '2.41-12' },
        { name: 'tzdata', version: '2025b-4', arch: 'all' },
      ],
    },
  ]);
  keys = await parseKeyring(Buffer.from(repo.publicKey), 'fake key');
  const suite = { base: repo.url, suite: 'trixie' };
  pkgs = await fetchPackages(suite, await fetchRelease(suite, { keys }), 'main', 'amd64', { keys });
});
after(() => repo.close());

const debRequests = () => repo.requests.filter((r) => r.endsWith('.deb')).length;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('fetchDebs', () => {
  it('caches every .deb, and reads each back verified when asked', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const ready: string[] = [];
    const before = debRequests();
    const debs = await fetchDebs(pkgs, { cache, onReady: (p, cached) => ready.push(`${p.name} ${cached}`) });
    assert.deepEqual(ready.sort(), ['libc6 false', 'tzdata false']);
    assert.equal(debRequests() - before, 2);
    for (const p of pkgs) {
      const bytes = await debs.get(p.sha256)!();
      assert.equal(sha256(bytes), p.sha256);
      assert.equal(bytes.length, p.size);
    }
    // a second run finds both in the cache
    ready.length = 0;
    await fetchDebs(pkgs, {
      cache,
      offline: true,
      onReady: (p, cached) => ready.push(`${p.name} ${cached}`),
    });
    assert.deepEqual(ready.sort(), ['libc6 true', 'tzdata true']);
    assert.equal(debRequests() - before, 2, 'nothing downloaded again');
  });

  it('a cached .deb changed after it was fetched is fetched again when read, and refused offline', async (t) => {
    const dir = await tempDir(t);
    const cache = new ContentCache(dir);
    const libc = pkgs.find((p) => p.name === 'libc6')!;
    await fetchDebs([libc], { cache });
    const tamper = () => writeFile(join(dir, 'sha256', libc.sha256), Buffer.alloc(libc.size, 0x41));
    // same size: taken as present, and caught when read
    await tamper();
    const offline = await fetchDebs([libc], { cache, offline: true });
    await assert.rejects(offline.get(libc.sha256)!(), { code: 'OFFLINE' });
    await tamper();
    const before = debRequests();
    const online = await fetchDebs([libc], { cache });
    assert.equal(sha256(await online.get(libc.sha256)!()), libc.sha256);
    assert.equal(debRequests() - before, 1, 'downloaded again');
  });

  it('a cached file of another size is not the package: it is downloaded', async (t) => {
    const dir = await tempDir(t);
    const cache = new ContentCache(dir);
    const tz = pkgs.find((p) => p.name === 'tzdata')!;
    await fetchDebs([tz], { cache });
    await writeFile(join(dir, 'sha256', tz.sha256), 'short');
    await assert.rejects(fetchDebs([tz], { cache, offline: true }), { code: 'OFFLINE' });
    const before = debRequests();
    const ready: boolean[] = [];
    await fetchDebs([tz], { cache, onReady: (_, cached) => ready.push(cached) });
    assert.deepEqual(ready, [false]);
    assert.equal(debRequests() - before, 1);
  });
});
