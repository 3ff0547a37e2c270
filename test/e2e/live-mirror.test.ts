// Against the real Debian mirror the host's apt uses (issue 3): trixie's InRelease verifies with the keys
// pith ships, its indexes are fetched by hash and parse, and distroless's `base` package set resolves
// to a closed set that includes the security suite's fixes. Needs the mirror (the only network allowed).
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildUniverse,
  ContentCache,
  debianArchiveKeys,
  fetchPackages,
  fetchRelease,
  mirrorsFrom,
  type PackageRecord,
  readAptSources,
  resolve,
  whyChain,
} from '../../src/apt-repo/index.ts';

const cache = new ContentCache(join(tmpdir(), 'pith-test-cache'));

test('trixie from the real mirror: verified, indexed, and distroless base resolves', async () => {
  const mirrors = mirrorsFrom(await readAptSources());
  assert.ok(
    mirrors.archive && mirrors.security,
    'the host apt sources name a Debian archive and security mirror',
  );
  const keys = await debianArchiveKeys();
  const records: PackageRecord[] = [];
  for (const [base, suite] of [
    [mirrors.archive, 'trixie'],
    [mirrors.archive, 'trixie-updates'],
    [mirrors.security, 'trixie-security'],
  ] as const) {
    const release = await fetchRelease({ base, suite }, { keys, cache });
    assert.match(release.codename ?? '', /^trixie/);
    assert.ok(release.signedBy.length >= 1);
    const pkgs = await fetchPackages({ base, suite }, release, 'main', 'amd64', { keys, cache });
    assert.ok(pkgs.every((p) => p.origin === `${suite}/main`));
    records.push(...pkgs);
  }
  assert.ok(records.length > 60_000, `${records.length} packages`);
  const u = buildUniverse(records, 'amd64');
  const res = resolve(u, {
    packages: [
      'base-files',
      'netbase',
      'tzdata',
      'tzdata-legacy',
      'media-types',
      'libc6',
      'libssl3t64',
      'libzstd1',
      'zlib1g',
    ],
    exclude: ['debconf', 'awk', 'openssl-provider-legacy'],
  });
  const names = res.packages.map((p) => p.name);
  for (const n of ['base-files', 'libc6', 'libssl3t64', 'tzdata', 'zlib1g', 'libgcc-s1', 'gcc-14-base'])
    assert.ok(names.includes(n), n);
  assert.ok(!names.includes('openssl-provider-legacy'));
  for (const p of res.packages) {
    const best = u.byName.get(p.name)![0]!;
    assert.equal(p.version, best.version, `${p.name}: the highest version across suites wins`);
  }
  const chain = whyChain(res, 'gcc-14-base').map((r) => r.requiredBy ?? 'requested');
  assert.deepEqual(chain.at(-1), 'requested');
  assert.ok(chain.includes('libgcc-s1'), chain.join(' ← '));
});
