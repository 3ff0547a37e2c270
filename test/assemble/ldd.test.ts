// packagesForBinaries against a signed fake repository, with binaries gcc builds here: the interpreter and
// each DT_NEEDED found through RUNPATH ($ORIGIN), the image's own files (walked in turn) and the default
// directories, in the suite, its -updates and -security Contents; the choice among packages shipping one
// path; static binaries needing nothing (and no network); missing sonames, foreign architectures and
// non-ELF files refused with their codes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DebianSession } from '../../src/apt-repo/index.ts';
import { binaryArch, choosePackage, packagesForBinaries } from '../../src/assemble/index.ts';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { index, stanza, universe } from '../apt-repo/fixtures.ts';
import { run } from '../helpers.ts';
import { FAKE_LIBC6, fakeLibrary, LIBDIR } from '../ldd-helpers.ts';

const skip = process.platform === 'linux' && process.arch === 'x64' ? false : 'needs an x86-64 host with gcc';

let repo: FakeRepo;
let work: string;
const built: Record<string, Buffer> = {};

async function gcc(args: string[]): Promise<void> {
  const r = await run('gcc', args, { cwd: work });
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'pith-ldd-'));
  if (skip) return;
  await writeFile(join(work, 'foo.c'), 'int foo(void) { return 1; }\n');
  await writeFile(join(work, 'bar.c'), 'int bar(void) { return 2; }\n');
  await writeFile(join(work, 'app.c'), 'int bar(void);\nint app(void) { return bar(); }\n');
  await writeFile(join(work, 'nope.c'), 'int nope(void) { return 3; }\n');
  await writeFile(
    join(work, 'prog.c'),
    'int foo(void);\nint app(void);\nint main(void) { return foo() + app(); }\n',
  );
  await writeFile(join(work, 'useno.c'), 'int nope(void);\nint main(void) { return nope(); }\n');
  await writeFile(join(work, 'static.c'), 'int main(void) { return 0; }\n');
  for (const [name, soname] of [
    ['foo', 'libfoo.so.1'],
    ['bar', 'libbar.so.2'],
    ['nope', 'libpithnope.so.1'],
  ] as const)
    await gcc(['-shared', '-fPIC', `-Wl,-soname,${soname}`, '-o', soname, `${name}.c`]);
  await gcc([
    '-shared',
    '-fPIC',
    '-Wl,-soname,libapp.so.1',
    '-o',
    'libapp.so.1',
    'app.c',
    '-L.',
    '-l:libbar.so.2',
  ]);
  await gcc([
    'prog.c',
    '-o',
    'prog',
    '-L.',
    '-l:libfoo.so.1',
    '-l:libapp.so.1',
    '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib,-rpath-link,.',
  ]);
  await gcc(['useno.c', '-o', 'useno', '-L.', '-l:libpithnope.so.1']);
  await gcc(['-static', 'static.c', '-o', 'static']);
  for (const f of ['prog', 'useno', 'static', 'libapp.so.1']) built[f] = await readFile(join(work, f));

  repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [
        FAKE_LIBC6,
        fakeLibrary('libfoo1', '1.0-1', 'libfoo.so.1'),
        fakeLibrary('libfoo1-compat', '1.0-1', 'libfoo.so.1'),
      ],
    },
    { name: 'trixie-updates', packages: [] },
    // a library only the security suite has: found through its Contents
    { name: 'trixie-security', packages: [fakeLibrary('libbar2', '2-1+deb13u1', 'libbar.so.2')] },
  ]);
  await writeFile(join(work, 'fake.asc'), repo.publicKey);
});

after(async () => {
  await repo?.close();
  await rm(work, { recursive: true, force: true });
});

function session(): DebianSession {
  return new DebianSession({
    suite: 'trixie',
    mirrors: { archive: repo.url, security: repo.securityUrl },
    keyrings: [join(work, 'fake.asc')],
    cacheDir: join(work, `cache-${Math.random()}`),
  });
}

/** An ELF header only (no program headers): enough for the architecture checks. */
function elfHeader(machine: number, cls: 32 | 64, flags = 0): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = cls === 64 ? 2 : 1;
  b[5] = 1;
  b[6] = 1;
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(flags, cls === 64 ? 48 : 36);
  return b;
}

describe('packagesForBinaries', { skip }, () => {
  it('finds the interpreter and each library: RUNPATH, the image (walked), the default dirs, -security', async () => {
    const image = new Set(['/app/lib/libapp.so.1']);
    const read = async (p: string) => (p === '/app/lib/libapp.so.1' ? built['libapp.so.1'] : undefined);
    const got = await packagesForBinaries(
      session(),
      'amd64',
      [{ path: '/app/bin/prog', bytes: built['prog']! }],
      image,
      {
        read,
      },
    );
    assert.deepEqual(got.packages, ['libbar2', 'libc6', 'libfoo1']);
    assert.deepEqual(got.interpreters, [
      {
        binary: '/app/bin/prog',
        interpreter: '/lib64/ld-linux-x86-64.so.2',
        path: '/usr/lib64/ld-linux-x86-64.so.2',
        from: 'debian',
        package: 'libc6',
        version: '2.41-12',
      },
    ]);
    const bySoname = [...got.libraries].sort((a, b) => (a.soname < b.soname ? -1 : 1));
    assert.deepEqual(bySoname, [
      { soname: 'libapp.so.1', neededBy: '/app/bin/prog', path: '/app/lib/libapp.so.1', from: 'image' },
      {
        soname: 'libbar.so.2',
        neededBy: '/app/lib/libapp.so.1',
        path: `/${LIBDIR}/libbar.so.2`,
        from: 'debian',
        package: 'libbar2',
        version: '2-1+deb13u1',
      },
      {
        soname: 'libc.so.6',
        neededBy: '/app/bin/prog',
        path: `/${LIBDIR}/libc.so.6`,
        from: 'debian',
        package: 'libc6',
        version: '2.41-12',
      },
      {
        soname: 'libfoo.so.1',
        neededBy: '/app/bin/prog',
        path: `/${LIBDIR}/libfoo.so.1`,
        from: 'debian',
        package: 'libfoo1',
        version: '1.0-1',
        candidates: ['libfoo1', 'libfoo1-compat'],
      },
    ]);
    assert.deepEqual(got.missing, []);
  });

  it('without a reader, the image libraries are not walked; an image copy of a library wins over packages', async () => {
    const image = new Set(['app/lib/libapp.so.1', `${LIBDIR}/libc.so.6`, '/usr/lib64/ld-linux-x86-64.so.2']);
    const got = await packagesForBinaries(
      session(),
      'amd64',
      [{ path: '/app/bin/prog', bytes: built['prog']! }],
      image,
    );
    assert.deepEqual(got.packages, ['libfoo1']);
    assert.equal(got.interpreters[0]?.from, 'image');
    assert.equal(got.interpreters[0]?.path, '/usr/lib64/ld-linux-x86-64.so.2', 'the merged-/usr spelling');
    assert.deepEqual(
      got.libraries.map((l) => `${l.soname} ${l.from}`),
      ['libfoo.so.1 debian', 'libapp.so.1 image', 'libc.so.6 image'],
    );
  });

  it('a static binary needs nothing, and nothing is fetched', async () => {
    repo.requests.length = 0;
    const got = await packagesForBinaries(
      session(),
      'amd64',
      [{ path: '/static', bytes: built['static']! }],
      new Set(),
    );
    assert.deepEqual(got, {
      arch: 'amd64',
      packages: [],
      interpreters: [],
      libraries: [],
      static: ['/static'],
      missing: [],
    });
    assert.deepEqual(repo.requests, []);
  });

  it('a soname no package ships is MISSING_SONAME naming it and the binary (or listed, when allowed)', async () => {
    const binaries = [{ path: '/usr/bin/useno', bytes: built['useno']! }];
    await assert.rejects(
      packagesForBinaries(session(), 'amd64', binaries, new Set()),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'MISSING_SONAME');
        assert.match(e.message, /libpithnope\.so\.1 \(needed by \/usr\/bin\/useno\)/);
        return true;
      },
    );
    const got = await packagesForBinaries(session(), 'amd64', binaries, new Set(), { allowMissing: true });
    assert.deepEqual(got.packages, ['libc6']);
    assert.deepEqual(got.missing, [
      {
        what: 'library',
        name: 'libpithnope.so.1',
        neededBy: '/usr/bin/useno',
        searched: [
          '/lib/x86_64-linux-gnu/libpithnope.so.1',
          '/usr/lib/x86_64-linux-gnu/libpithnope.so.1',
          '/lib/libpithnope.so.1',
          '/usr/lib/libpithnope.so.1',
        ],
      },
    ]);
  });

  it('refuses a binary of another architecture (elf-arch message) and a file that is not ELF', async () => {
    const arm = [{ path: '/x', bytes: elfHeader(183, 64) }];
    await assert.rejects(
      packagesForBinaries(session(), 'amd64', arm, new Set()),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'WRONG_ARCHITECTURE');
        assert.equal(
          e.message,
          '/x is an ELF executable for AArch64 (64-bit LSB), but the image is amd64 (x86-64, 64-bit LSB)',
        );
        return true;
      },
    );
    const text = [{ path: '/run.sh', bytes: Buffer.from('#!/bin/sh\n') }];
    await assert.rejects(packagesForBinaries(session(), 'amd64', text, new Set()), { code: 'NOT_ELF' });
  });
});

describe('binaryArch and choosePackage', () => {
  it('the architecture from the ELF header; ARM by float ABI', { skip }, () => {
    assert.equal(binaryArch(built['prog']!), 'amd64');
    assert.equal(binaryArch(elfHeader(183, 64)), 'arm64');
    assert.equal(binaryArch(elfHeader(40, 32, 0x05000400)), 'armhf');
    assert.equal(binaryArch(elfHeader(40, 32, 0x05000200)), 'armel');
    assert.equal(binaryArch(elfHeader(3, 32)), 'i386');
    assert.equal(binaryArch(elfHeader(2, 32)), undefined, 'SPARC: no Debian architecture pith builds');
    assert.equal(binaryArch(Buffer.from('hello')), undefined);
  });

  it('prefers what the Packages index has, then the shortest name, and records the candidates', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('libfoo1', '1'),
        stanza('libfoo1-compat', '2'),
        stanza('a-longer-name', '3'),
      ),
    });
    assert.deepEqual(choosePackage(['libfoo1-compat', 'libfoo1'], u), {
      from: 'debian',
      package: 'libfoo1',
      version: '1',
      candidates: ['libfoo1', 'libfoo1-compat'],
    });
    assert.deepEqual(choosePackage(['zz', 'a-longer-name'], u), {
      from: 'debian',
      package: 'a-longer-name',
      version: '3',
      candidates: ['a-longer-name', 'zz'],
    });
    assert.deepEqual(choosePackage(['only'], u), { from: 'debian', package: 'only' });
  });
});
