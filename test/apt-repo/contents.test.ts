// The Contents index: parsing Debian's format (paths with spaces, area/section/package locations, several
// packages a path, an old free-text header, lines cut across chunks) down to the shared objects of the
// library directories; and fetching it from a signed fake repository the way Packages is fetched — listed in
// the InRelease, by hash, checked, cached — with the fake's files in the real mirror's exact format.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  ContentCache,
  DebianSession,
  fetchLibraryContents,
  fetchRelease,
  isLibraryPath,
  type Key,
  parseKeyring,
  parseLibraryContents,
  suiteContents,
} from '../../src/apt-repo/index.ts';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';
import { FAKE_LIBC6, fakeLibrary } from '../ldd-helpers.ts';

async function* chunksOf(text: string, size: number): AsyncIterable<Buffer> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const pad = (path: string) => path.padEnd(55);

function flipped(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  copy[copy.length - 1]! ^= 1;
  return copy;
}

// Lines as Debian's Contents-amd64 has them (trixie), plus an old-style header and edge cases.
const SAMPLE = [
  'This file maps each file available in the Debian GNU/Linux system to',
  'the package from which it originates.',
  '',
  'FILE                                                    LOCATION',
  `${pad('bin')} admin/base-files`,
  `${pad('lib64')} admin/base-files`,
  `${pad('usr/lib/x86_64-linux-gnu/libcurl.so')} libdevel/libcurl4-gnutls-dev,libdevel/libcurl4-openssl-dev`,
  `${pad('usr/lib/x86_64-linux-gnu/libcurl.so.4')} libs/libcurl4t64`,
  `${pad('usr/lib/x86_64-linux-gnu/genwqe/libz.so.1')} libs/libzadc4`,
  `${pad('usr/lib64/ld-linux-x86-64.so.2')} libs/libc6`,
  `${pad('lib/x86_64-linux-gnu/libz.so.1')} libs/zlib1g`,
  `${pad('usr/lib/arb/lib/libARBDB.so')} non-free/libs/libarb`,
  `${pad('usr/lib/x86_64-linux-gnu/lib with space.so.1')} contrib/libs/spaced`,
  `${pad('usr/lib32/libz.so.1')} libs/lib32z1`,
  `${pad('usr/share/gdb/auto-load/lib/x86_64-linux-gnu/libc.so.6-gdb.py')} libdevel/libc6-dev`,
  `${pad('usr/lib/x86_64-linux-gnu/libfoo.a')} libdevel/libfoo-dev`,
  `${pad('etc/ld.so.conf')} admin/libc-bin`,
  'usr/lib/x86_64-linux-gnu/a-path-longer-than-fifty-five-characters/libz.so.1 libs/long',
  `${pad('usr/lib/x86_64-linux-gnu/libcurl.so.4')} libs/libcurl4t64`,
].join('\n');

const EXPECTED = {
  'usr/lib/x86_64-linux-gnu/libcurl.so': ['libcurl4-gnutls-dev', 'libcurl4-openssl-dev'],
  'usr/lib/x86_64-linux-gnu/libcurl.so.4': ['libcurl4t64'],
  'usr/lib/x86_64-linux-gnu/genwqe/libz.so.1': ['libzadc4'],
  'usr/lib64/ld-linux-x86-64.so.2': ['libc6'],
  'lib/x86_64-linux-gnu/libz.so.1': ['zlib1g'],
  'usr/lib/arb/lib/libARBDB.so': ['libarb'],
  'usr/lib/x86_64-linux-gnu/lib with space.so.1': ['spaced'],
  'usr/lib/x86_64-linux-gnu/a-path-longer-than-fifty-five-characters/libz.so.1': ['long'],
};

describe('Contents parsing', () => {
  it('keeps the shared objects of the library directories, with package names only', async () => {
    const map = await parseLibraryContents(chunksOf(`${SAMPLE}\n`, 1 << 20));
    assert.deepEqual(Object.fromEntries(map), EXPECTED);
  });

  it('gives the same map whatever the chunk size, and without a final newline', async () => {
    for (const size of [1, 2, 3, 7, 55, 56, 64, 1000]) {
      const map = await parseLibraryContents(chunksOf(SAMPLE, size));
      assert.deepEqual(Object.fromEntries(map), EXPECTED, `chunks of ${size}`);
    }
  });

  it('merges indexes: a path listed twice gets both packages once', async () => {
    const map = await parseLibraryContents(chunksOf(`${pad('lib/libq.so.1')} libs/q1\n`, 9));
    await parseLibraryContents(chunksOf(`${pad('lib/libq.so.1')} libs/q1,libs/q1-alt\n`, 9), map);
    assert.deepEqual(map.get('lib/libq.so.1'), ['q1', 'q1-alt']);
  });

  it('isLibraryPath', () => {
    for (const p of ['lib/libc.so.6', 'lib64/ld-linux-x86-64.so.2', 'usr/lib/x/y/libz.so', 'usr/lib64/a.so'])
      assert.ok(isLibraryPath(p), p);
    for (const p of [
      'usr/lib32/libz.so.1',
      'usr/share/lib/libz.so',
      'lib/x.a',
      'libz.so',
      'usr/libexec/a.so',
    ])
      assert.ok(!isLibraryPath(p), p);
  });
});

describe('Contents on a signed fake repository', () => {
  let repo: FakeRepo;
  let keys: Key[];

  before(async () => {
    repo = await startFakeRepo([
      {
        name: 'trixie',
        packages: [
          { ...FAKE_LIBC6, files: { ...FAKE_LIBC6.files, 'usr/share/doc/libc6/copyright': 'c' } },
          fakeLibrary('libfoo1', '1.0-1', 'libfoo.so.1'),
          { ...fakeLibrary('libfoo1-compat', '1.0-1', 'libfoo.so.1'), fields: { Section: 'oldlibs' } },
          { ...fakeLibrary('libdata-all', '3', 'libdata.so.3'), arch: 'all' },
        ],
      },
      { name: 'trixie-updates', packages: [] },
      { name: 'trixie-security', packages: [fakeLibrary('libsec1', '1+deb13u1', 'libsec.so.1')] },
    ]);
    keys = await parseKeyring(Buffer.from(repo.publicKey), 'fake key');
  });
  after(() => repo.close());

  it('publishes Contents as the real mirror does: %-55s lines, gzip -9n, listed with the uncompressed name', async () => {
    const ref = { base: repo.url, suite: 'trixie' };
    const release = await fetchRelease(ref, { keys });
    for (const name of ['Contents-amd64', 'Contents-amd64.gz', 'Contents-all', 'Contents-all.gz'])
      assert.ok(release.files.has(`main/${name}`), name);
    const res = await fetch(`${repo.url}/dists/trixie/main/Contents-amd64.gz`);
    const gz = Buffer.from(await res.arrayBuffer());
    // gzip -9n: no name, no mtime, XFL 2, OS 3 — the header of Debian's files
    assert.equal(gz.subarray(0, 10).toString('hex'), '1f8b0800000000000203');
    assert.equal(
      gunzipSync(gz).toString(),
      [
        `${pad('usr/lib/x86_64-linux-gnu/libc.so.6')} libs/libc6`,
        `${pad('usr/lib/x86_64-linux-gnu/libfoo.so.1')} libs/libfoo1,oldlibs/libfoo1-compat`,
        `${pad('usr/lib64/ld-linux-x86-64.so.2')} libs/libc6`,
        `${pad('usr/share/doc/libc6/copyright')} libs/libc6`,
        '',
      ].join('\n'),
    );
    const all = gunzipSync(
      Buffer.from(await (await fetch(`${repo.url}/dists/trixie/main/Contents-all.gz`)).arrayBuffer()),
    );
    assert.equal(all.toString(), `${pad('usr/lib/x86_64-linux-gnu/libdata.so.3')} libs/libdata-all\n`);
    // an empty index is byte for byte the 20-byte file the real mirror serves (-updates, -security)
    const empty = await fetch(`${repo.url}/dists/trixie-updates/main/Contents-amd64.gz`);
    assert.equal(
      createHash('sha256')
        .update(Buffer.from(await empty.arrayBuffer()))
        .digest('hex'),
      'f61f27bd17de546264aa58f40f3aafaac7021e0ef69c17f6b1b4cd7664a037ec',
    );
    // the uncompressed index is listed but not served, as on Debian's mirrors
    assert.equal((await fetch(`${repo.url}/dists/trixie/main/Contents-amd64`)).status, 404);
  });

  it('fetches Contents-ARCH.gz by hash, verified, into the cache; offline reads it from there', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const ref = { base: repo.url, suite: 'trixie' };
    const release = await fetchRelease(ref, { keys, cache });
    repo.requests.length = 0;
    const map = await fetchLibraryContents(ref, release, 'main', 'amd64', { keys, cache });
    assert.deepEqual(Object.fromEntries(map ?? []), {
      'usr/lib/x86_64-linux-gnu/libc.so.6': ['libc6'],
      'usr/lib/x86_64-linux-gnu/libfoo.so.1': ['libfoo1', 'libfoo1-compat'],
      'usr/lib64/ld-linux-x86-64.so.2': ['libc6'],
    });
    const sha = release.files.get('main/Contents-amd64.gz')!.sha256;
    assert.deepEqual(repo.requests, [`debian/dists/trixie/main/by-hash/SHA256/${sha}`]);
    repo.requests.length = 0;
    const again = await fetchLibraryContents(ref, release, 'main', 'amd64', { keys, cache, offline: true });
    assert.equal(again?.size, 3);
    assert.deepEqual(repo.requests, []);
    assert.equal(await fetchLibraryContents(ref, release, 'contrib', 'amd64', { keys, cache }), undefined);
  });

  it('refuses a Contents index that does not match the signed Release', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const ref = { base: repo.url, suite: 'trixie' };
    const release = await fetchRelease(ref, { keys });
    // the same size, one byte changed: only the hash tells
    repo.tamper = (path, body) =>
      path.includes('Contents') || path.includes('/by-hash/') ? flipped(body) : undefined;
    try {
      await assert.rejects(
        fetchLibraryContents(ref, release, 'main', 'amd64', { keys, cache }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'HASH_MISMATCH');
          assert.match(e.message, /main\/Contents-amd64\.gz/);
          return true;
        },
      );
    } finally {
      repo.tamper = undefined;
    }
  });

  it("a session's suites: the suite, -updates and -security; Contents-all only when the arch's indexes lack a path", async (t) => {
    const tmp = await tempDir(t);
    const keyring = join(tmp, 'fake.asc');
    await writeFile(keyring, repo.publicKey);
    const read: string[] = [];
    const session = new DebianSession({
      suite: 'trixie',
      mirrors: { archive: repo.url, security: repo.securityUrl },
      keyrings: [keyring],
      cacheDir: join(tmp, 'cache'),
      onEvent: (e) => {
        if (e.type === 'phase' && e.phase === 'read-contents') read.push(e.item ?? '');
      },
    });
    const contents = suiteContents(session, 'amd64');
    assert.equal(suiteContents(session, 'amd64'), contents, 'one per session and arch');
    const libsec = ['lib/x86_64-linux-gnu/libsec.so.1', 'usr/lib/x86_64-linux-gnu/libsec.so.1'];
    assert.deepEqual(await contents.find(libsec), { path: libsec[1], packages: ['libsec1'] });
    const arch = [
      'trixie main/Contents-amd64',
      'trixie-updates main/Contents-amd64',
      'trixie-security main/Contents-amd64',
    ];
    assert.deepEqual(read, arch, 'Contents-all not read yet');
    assert.deepEqual(await contents.find(['usr/lib/x86_64-linux-gnu/libdata.so.3']), {
      path: 'usr/lib/x86_64-linux-gnu/libdata.so.3',
      packages: ['libdata-all'],
    });
    assert.equal(await contents.find(['usr/lib/x86_64-linux-gnu/libnope.so.1']), undefined);
    assert.deepEqual(read, [...arch, ...arch.map((s) => s.replace('amd64', 'all'))], 'each index read once');
  });
});
