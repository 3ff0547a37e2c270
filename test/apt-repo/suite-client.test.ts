// The repository client against a signed fake Debian repository on 127.0.0.1 (issue 3, point 1): a good
// suite verifies and parses, indexes are fetched by hash and cached; a tampered InRelease, an untrusted or
// missing signature, an expired Release and a tampered Packages index are each refused with a clear error
// and nothing is written to the cache.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ContentCache,
  compactIndexName,
  debianArchiveKeys,
  fetchIndex,
  fetchPackages,
  fetchRelease,
  type Key,
  parseDeb822,
  parseKeyring,
} from '../../src/apt-repo/index.ts';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';

let repo: FakeRepo;
let keys: Key[];

before(async () => {
  repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [
        { name: 'libc6', version: '2.41-12', depends: 'libgcc-s1' },
        { name: 'libgcc-s1', version: '14.2.0-19', source: 'gcc-14 (14.2.0-19)' },
        { name: 'tzdata', version: '2025b-4', arch: 'all' },
      ],
    },
    { name: 'old-suite', validForSeconds: -3600, packages: [{ name: 'x', version: '1' }] },
    { name: 'detached', detachedOnly: true, packages: [{ name: 'y', version: '2' }] },
    { name: 'trixie-security', packages: [{ name: 'libc6', version: '2.41-12+deb13u1' }] },
  ]);
  keys = await parseKeyring(Buffer.from(repo.publicKey), 'fake key');
});
after(() => repo.close());

const ref = () => ({ base: repo.url, suite: 'trixie' });

async function expectError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error & { code?: string }) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('suite client on a signed fake repository', () => {
  it('verifies InRelease and parses the signed fields', async () => {
    const r = await fetchRelease(ref(), { keys });
    assert.equal(r.suite, 'stable');
    assert.equal(r.codename, 'trixie');
    assert.deepEqual(r.architectures, ['amd64']);
    assert.equal(r.acquireByHash, true);
    assert.equal(r.signedBy.length, 1);
    assert.ok(r.files.has('main/binary-amd64/Packages.xz'));
    assert.ok(r.validUntil && r.validUntil > new Date());
  });

  it('reads the security suite in the Debian layout: updates/main listed, main/binary-* served', async () => {
    const sec = { base: repo.securityUrl, suite: 'trixie-security' };
    const r = await fetchRelease(sec, { keys });
    assert.match(r.text, /^Suite: stable-security$/m);
    assert.match(r.text, /^Components: updates\/main$/m, 'the Release says updates/main, as Debian does');
    assert.deepEqual(r.components, ['main'], 'named as sources.list names it');
    const pkgs = await fetchPackages(sec, r, 'main', 'amd64', { keys });
    assert.deepEqual(
      pkgs.map((p) => [p.name, p.version, p.origin, p.filename]),
      [
        [
          'libc6',
          '2.41-12+deb13u1',
          'trixie-security/main',
          'pool/updates/main/l/libc6/libc6_2.41-12+deb13u1_amd64.deb',
        ],
      ],
    );
    assert.ok(pkgs[0]!.url.startsWith(`${repo.securityUrl}/pool/updates/main/`));
  });

  it('fetches Packages.xz by hash, verifies and parses it, then serves it from the cache', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const r = await fetchRelease(ref(), { keys, cache });
    repo.requests.length = 0;
    const pkgs = await fetchPackages(ref(), r, 'main', 'amd64', { keys, cache });
    assert.deepEqual(pkgs.map((p) => `${p.name}=${p.version}/${p.architecture}`).sort(), [
      'libc6=2.41-12/amd64',
      'libgcc-s1=14.2.0-19/amd64',
      'tzdata=2025b-4/all',
    ]);
    const gcc = pkgs.find((p) => p.name === 'libgcc-s1')!;
    assert.deepEqual([gcc.source, gcc.sourceVersion, gcc.origin], ['gcc-14', '14.2.0-19', 'trixie/main']);
    assert.match(gcc.filename, /^pool\/main\/l\/gcc-14\/libgcc-s1_14\.2\.0-19_amd64\.deb$/);
    assert.deepEqual(repo.requests, [
      `debian/dists/trixie/main/binary-amd64/by-hash/SHA256/${r.files.get('main/binary-amd64/Packages.xz')!.sha256}`,
    ]);
    repo.requests.length = 0;
    const again = await fetchPackages(ref(), r, 'main', 'amd64', { keys, cache, offline: true });
    assert.equal(again.length, 3);
    assert.deepEqual(repo.requests, [], 'served from the cache');
  });

  it('remembers a good signature by the file and keyring: checked once, dates every time; a changed file is checked', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    let asked = 0;
    const counted = async () => (asked++, keys);
    const opts = { keys: counted, keyring: 'fake-keyring-digest', cache };
    const first = await fetchRelease(ref(), opts);
    assert.equal(asked, 1, 'the signature is checked');
    const second = await fetchRelease(ref(), opts);
    assert.equal(asked, 1, 'the same InRelease with the same keyring: not checked again');
    assert.deepEqual(second, first);
    assert.deepEqual((await fetchRelease(ref(), { ...opts, offline: true })).signedBy, first.signedBy);
    assert.equal(asked, 1, 'offline, the cached copy is found good too');
    // its dates are checked on every use: a year on, the remembered Release has expired
    const later = new Date(Date.now() + 365 * 86400_000);
    await expectError(fetchRelease(ref(), { ...opts, now: later }), 'RELEASE_EXPIRED', /Valid-Until/);
    // other keys are another memo; a changed file is checked (and refused)
    await fetchRelease(ref(), { ...opts, keyring: 'another-keyring' });
    assert.equal(asked, 2);
    repo.tamper = (path, body) =>
      path.endsWith('InRelease')
        ? Buffer.from(body.toString().replace('Codename: trixie', 'Codename: trixi3'))
        : undefined;
    try {
      await expectError(fetchRelease(ref(), opts), 'RELEASE_SIGNATURE_INVALID', /no valid signature/);
      assert.equal(asked, 3);
    } finally {
      repo.tamper = undefined;
    }
  });

  it('refuses an InRelease whose signed text was changed', async () => {
    repo.tamper = (path, body) =>
      path.endsWith('InRelease')
        ? Buffer.from(body.toString().replace('Codename: trixie', 'Codename: trixi3'))
        : undefined;
    try {
      await expectError(
        fetchRelease(ref(), { keys }),
        'RELEASE_SIGNATURE_INVALID',
        /trixie\/InRelease: InRelease has no valid signature from a trusted key/,
      );
    } finally {
      repo.tamper = undefined;
    }
  });

  it('refuses a repository signed by a key that is not trusted', async () => {
    await expectError(
      fetchRelease(ref(), { keys: await debianArchiveKeys() }),
      'RELEASE_SIGNATURE_INVALID',
      /no valid signature from a trusted key/,
    );
  });

  it('refuses an unsigned Release served as InRelease', async () => {
    repo.tamper = (path) =>
      path.endsWith('InRelease')
        ? Buffer.from('Suite: trixie\nDate: Sat, 01 Nov 2025 00:00:00 UTC\n')
        : undefined;
    try {
      await expectError(
        fetchRelease(ref(), { keys }),
        'RELEASE_NOT_SIGNED',
        /not an OpenPGP cleartext-signed file/,
      );
    } finally {
      repo.tamper = undefined;
    }
  });

  it('refuses a Release past its Valid-Until', async () => {
    await expectError(
      fetchRelease({ base: repo.url, suite: 'old-suite' }, { keys }),
      'RELEASE_EXPIRED',
      /old-suite\/InRelease: Release expired at .*Valid-Until/,
    );
  });

  it('refuses a tampered Packages index and caches nothing', async (t) => {
    const dir = await tempDir(t);
    const cache = new ContentCache(dir);
    const r = await fetchRelease(ref(), { keys, cache });
    repo.tamper = (path, body) => {
      if (!path.includes('/binary-amd64/')) return undefined;
      const copy = Buffer.from(body);
      copy[copy.length >> 1]! ^= 0x01;
      return copy;
    };
    try {
      await expectError(
        fetchPackages(ref(), r, 'main', 'amd64', { keys, cache }),
        'HASH_MISMATCH',
        /Packages\.xz.*the signed Release lists \d+ bytes, sha256 [0-9a-f]{64}/,
      );
    } finally {
      repo.tamper = undefined;
    }
    // only the verified InRelease (kept for offline use) is cached, not the tampered index
    assert.equal((await readdir(join(dir, 'sha256'))).length, 1, 'nothing but the InRelease cached');
    assert.deepEqual(
      await cache.getNamed(`${repo.url}/dists/trixie/InRelease`),
      await cache.get((await readdir(join(dir, 'sha256')))[0]!),
    );
  });

  it('parses an index as it is decompressed: every record and its line as a whole-text parse gives them', async (t) => {
    // 3 000 stanzas (about 900 KB): xz hands them over in many pieces, cut anywhere
    const packages = Array.from({ length: 3000 }, (_, i) => ({
      name: `pkg${i % 1000}`,
      version: `1.${Math.floor(i / 1000)}`,
      depends: i % 7 ? `pkg${(i + 1) % 1000} (>= 1.0), libc6` : undefined,
      provides: i % 11 ? undefined : `virtual${i % 5}`,
      fields: { 'X-Note': `package ${i}\n a longer note, line one\n .\n line three` },
    }));
    const big = await startFakeRepo([{ name: 'trixie', packages }]);
    t.after(() => big.close());
    const bigKeys = await parseKeyring(Buffer.from(big.publicKey), 'fake key');
    const at = { base: big.url, suite: 'trixie' };
    const cache = new ContentCache(await tempDir(t));
    const r = await fetchRelease(at, { keys: bigKeys, cache });
    const index = await fetchIndex(at, r, 'main', 'amd64', { keys: bigKeys, cache });
    // the oracle: the plain Packages file, parsed whole
    const text = (await (await fetch(`${big.url}/dists/trixie/main/binary-amd64/Packages`)).text()) as string;
    const whole = parseDeb822(text, { where: 'whole' });
    assert.equal(index.all().length, 3000);
    assert.deepEqual(
      // all() groups each name's records: in line order, they are the index's
      index
        .all()
        .sort((a, b) => a.line - b.line)
        .map((p) => [p.name, p.version, p.depends ?? '', p.provides ?? '', p.line]),
      whole.map((st) => [
        st.get('Package'),
        st.get('Version'),
        st.get('Depends') ?? '',
        st.get('Provides') ?? '',
        st.line,
      ]),
    );
    const virtual3 = packages.filter((p) => p.provides === 'virtual3').map((p) => p.name);
    assert.deepEqual([...index.providing('virtual3')].sort(), [...new Set(virtual3)].sort());
  });

  it('discards a corrupted cache entry (compact form, then index) and makes it again', async (t) => {
    const dir = await tempDir(t);
    const cache = new ContentCache(dir);
    const r = await fetchRelease(ref(), { keys, cache });
    await fetchIndex(ref(), r, 'main', 'amd64', { keys, cache });
    const hash = r.files.get('main/binary-amd64/Packages.xz')!.sha256;
    const { readFile, writeFile } = await import('node:fs/promises');
    // the compact form of the index (what a warm run reads) is corrupted: made again from the cached index
    const compactRef = createHash('sha256').update(compactIndexName(hash)).digest('hex');
    const compact = await readFile(join(dir, 'refs', compactRef), 'utf8');
    await writeFile(join(dir, 'sha256', compact), 'garbage');
    repo.requests.length = 0;
    const index = () => fetchIndex(ref(), r, 'main', 'amd64', { keys, cache });
    assert.equal((await index()).all().length, 3);
    assert.equal(repo.requests.length, 0, 'made from the cached index');
    // cut short: its footer is gone, so it is made again from the cached index
    const { truncate } = await import('node:fs/promises');
    const made = await readFile(join(dir, 'refs', compactRef), 'utf8');
    const size = (await readFile(join(dir, 'sha256', made))).length;
    await truncate(join(dir, 'sha256', made), size - 10);
    assert.equal((await index()).all().length, 3);
    assert.equal(repo.requests.length, 0, 'made again from the cached index');
    // a record changed in place: the index opens, and the records it cannot read are named
    const remade = await readFile(join(dir, 'refs', compactRef), 'utf8');
    const bytes = await readFile(join(dir, 'sha256', remade));
    bytes.write('{', bytes.indexOf('[', 10));
    await writeFile(join(dir, 'sha256', remade), bytes);
    const cut = await index();
    assert.throws(() => cut.all(), {
      code: 'BAD_COMPACT_INDEX',
      message: new RegExp(
        `Packages\\.xz: the cached compact index's records of \\S+ are not readable; remove ${join(dir, 'sha256', remade)} and build again`,
      ),
    });
    // both corrupted: the index is downloaded again
    await writeFile(join(dir, 'sha256', compact), 'garbage');
    await writeFile(join(dir, 'sha256', hash), 'garbage');
    assert.equal((await index()).all().length, 3);
    assert.equal(repo.requests.length, 1, 'downloaded again');
  });

  it('names a missing suite and a missing architecture clearly', async () => {
    await expectError(
      fetchRelease({ base: repo.url, suite: 'nope' }, { keys }),
      'NO_SUCH_SUITE',
      /dists\/nope\/InRelease: not found \(is "nope" a suite of this mirror\?\)/,
    );
    const r = await fetchRelease(ref(), { keys });
    await expectError(
      fetchPackages(ref(), r, 'main', 'riscv64', { keys }),
      'NO_SUCH_INDEX',
      /no Packages index for main\/riscv64 \(architectures: amd64; components: main\)/,
    );
  });

  it('falls back to Release + Release.gpg when a suite has no InRelease, and verifies it', async () => {
    const r = await fetchRelease({ base: repo.url, suite: 'detached' }, { keys });
    assert.equal(r.suite, 'detached');
    assert.equal(r.signedBy.length, 1);
    const pkgs = await fetchPackages({ base: repo.url, suite: 'detached' }, r, 'main', 'amd64', { keys });
    assert.deepEqual(
      pkgs.map((p) => p.name),
      ['y'],
    );
  });

  it('refuses a tampered detached Release, and an unsigned one', async () => {
    repo.tamper = (path, body) =>
      path === 'debian/dists/detached/Release'
        ? Buffer.from(body.toString().replace('Suite: detached', 'Suite: detacheD'))
        : undefined;
    try {
      await expectError(
        fetchRelease({ base: repo.url, suite: 'detached' }, { keys }),
        'RELEASE_SIGNATURE_INVALID',
        /detached\/Release: Release has no valid signature from a trusted key/,
      );
      repo.tamper = (path) => (path === 'debian/dists/detached/Release.gpg' ? null : undefined);
      await expectError(
        fetchRelease({ base: repo.url, suite: 'detached' }, { keys }),
        'RELEASE_NOT_SIGNED',
        /has a Release but neither InRelease nor Release\.gpg; refusing an unsigned suite/,
      );
    } finally {
      repo.tamper = undefined;
    }
  });
});
