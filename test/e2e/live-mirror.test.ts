// Against the real Debian mirror the host's apt uses (issue 3): trixie's InRelease verifies with the keys
// pith ships, its indexes are fetched by hash and parse, and distroless's `base` package set resolves
// to a closed set that includes the security suite's fixes; the compact form a warm run reads gives the same
// records and the same universe as parsing the index itself. Needs the mirror (the only network allowed).
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildUniverse,
  ContentCache,
  debianArchiveKeys,
  fetchIndex,
  fetchPackages,
  fetchRelease,
  mirrorsFrom,
  type PackageRecord,
  packageRecord,
  parseDeb822,
  readAptSources,
  resolve,
  universeOf,
  whyChain,
} from '../../src/apt-repo/index.ts';
import { unxz } from '../../src/compress/index.ts';

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

test('the compact index of trixie main: the same records and universe as parsing the index itself', async () => {
  const mirrors = mirrorsFrom(await readAptSources());
  const ref = { base: mirrors.archive!, suite: 'trixie' };
  const keys = await debianArchiveKeys();
  const release = await fetchRelease(ref, { keys, cache });
  await fetchIndex(ref, release, 'main', 'amd64', { keys, cache });
  // made by the first call; the second reads the cached file in parts, as a warm run does
  const compact = await fetchIndex(ref, release, 'main', 'amd64', { keys, cache });
  // the oracle: the verified Packages.xz, decompressed and parsed as a whole
  const entry = release.files.get('main/binary-amd64/Packages.xz')!;
  const xz = (await cache.get(entry.sha256))!;
  const chunks: Buffer[] = [];
  for await (const c of unxz(
    (async function* () {
      yield xz;
    })(),
  ))
    chunks.push(c);
  const where = `${ref.base}/dists/trixie/${entry.path}`;
  const parsed = parseDeb822(Buffer.concat(chunks).toString('utf8'), { where }).map((st) =>
    packageRecord(st, 'trixie/main', where, ref.base),
  );
  const key = (p: PackageRecord) => `${p.name} ${p.version} ${p.architecture}`;
  const sorted = (list: PackageRecord[]) =>
    [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  // compared as JSON text with each record's keys sorted (deepEqual over 60 000 records takes half a minute)
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  const same = (a: unknown, b: unknown, what: string) =>
    assert.equal(JSON.stringify(norm(a)), JSON.stringify(norm(b)), what);
  same(sorted(compact.all()), sorted(parsed), 'the records');
  const fromCompact = universeOf([compact], 'amd64');
  const fromParse = buildUniverse(parsed, 'amd64');
  const names = [...fromParse.byName.keys()].sort();
  same([...fromCompact.byName.keys()].sort(), names, 'the package names');
  for (const name of names) same(fromCompact.byName.get(name), fromParse.byName.get(name), name);
  const virtuals = [...fromParse.providers.keys()].sort();
  assert.ok(virtuals.length > 1000, `${virtuals.length} virtual names`);
  same([...fromCompact.providers.keys()].sort(), virtuals, 'the virtual names');
  for (const v of virtuals) same(fromCompact.providers.get(v), fromParse.providers.get(v), v);
});
