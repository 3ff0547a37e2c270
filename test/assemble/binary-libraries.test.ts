// A build adds the Debian packages its own binaries need (against a signed fake repository, with programs
// gcc builds here): a dynamic program on scratch brings libc6 and the package of its library, chosen through
// the suite's Contents; the lock pins them and a --locked build gives the same image; a library the image's
// packages already ship adds nothing; a static program needs nothing; a soname no package ships is refused
// naming it, with nothing written; resolveLibraries: false leaves the image as configured.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import type { ByteSource } from '../../src/rootfs/index.ts';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { run } from '../helpers.ts';
import { FAKE_LIBC6, fakeLibrary } from '../ldd-helpers.ts';

let repo: FakeRepo;
let work: string;

async function gcc(args: string[]): Promise<void> {
  const r = await run('gcc', args, { cwd: work });
  assert.equal(r.code, 0, r.stderr);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'pith-binlibs-'));
  await writeFile(join(work, 'foo.c'), 'int foo(void) { return 1; }\n');
  await writeFile(join(work, 'nope.c'), 'int nope(void) { return 3; }\n');
  await writeFile(join(work, 'prog.c'), 'int foo(void);\nint main(void) { return foo(); }\n');
  await writeFile(join(work, 'useno.c'), 'int nope(void);\nint main(void) { return nope(); }\n');
  await writeFile(join(work, 'static.c'), 'int main(void) { return 0; }\n');
  await gcc(['-shared', '-fPIC', '-Wl,-soname,libfoo.so.1', '-o', 'libfoo.so.1', 'foo.c']);
  await gcc(['-shared', '-fPIC', '-Wl,-soname,libpithnope.so.1', '-o', 'libpithnope.so.1', 'nope.c']);
  await gcc(['prog.c', '-o', 'prog', '-L.', '-l:libfoo.so.1']);
  await gcc(['useno.c', '-o', 'useno', '-L.', '-l:libpithnope.so.1']);
  await gcc(['-static', 'static.c', '-o', 'static']);
  repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [
        FAKE_LIBC6,
        fakeLibrary('libfoo1', '1.0-1', 'libfoo.so.1'),
        fakeLibrary('unrelated1', '1', 'libu.so.1'),
      ],
    },
    { name: 'trixie-updates', packages: [] },
    { name: 'trixie-security', packages: [] },
  ]);
  await writeFile(join(work, 'fake.asc'), repo.publicKey);
});

after(async () => {
  await repo?.close();
  await rm(work, { recursive: true, force: true });
});

/** A config directory holding `yaml` (with the fake mirror) and the programs; a pith for it. */
async function setup(name: string, yaml: string) {
  const dir = join(work, name);
  await (await import('node:fs/promises')).mkdir(dir);
  for (const f of ['prog', 'useno', 'static', 'libfoo.so.1'])
    await writeFile(join(dir, f), await readFile(join(work, f)), { mode: 0o755 });
  await writeFile(
    join(dir, 'pith.yaml'),
    `archs: [amd64]\nmirror: {archive: "${repo.url}", security: "${repo.securityUrl}"}\nkeyring: [${join(work, 'fake.asc')}]\n${yaml}`,
  );
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  return { dir, pith, config: join(dir, 'pith.yaml') };
}

const names = (r: { debian?: { packages: { name: string }[] }[] }) =>
  r.debian?.[0]?.packages.map((p) => p.name) ?? [];

describe('dynamicElfFiles', () => {
  it('reads a file kept on disk where the ELF reader looks; one gone or of another size is streamed instead', async () => {
    const { dynamicElfFiles } = await import('../../src/assemble/binary-libraries.ts');
    const { FileTree } = await import('../../src/tar/index.ts');
    const prog = await readFile(join(work, 'prog'));
    const node = (file: string, content: () => AsyncIterable<Buffer>) => ({
      type: 'file' as const,
      mode: 0o755,
      uid: 0,
      gid: 0,
      mtime: 0,
      size: prog.length,
      content,
      file,
    });
    const never = (): AsyncIterable<Buffer> => {
      throw new Error('streamed, though the file was there');
    };
    const streamed = async function* () {
      yield prog;
    };
    const tree = new FileTree();
    tree.add('kept', node(join(work, 'prog'), never));
    tree.add('gone', node(join(work, 'not-there'), streamed));
    tree.add('short', node(join(work, 'static'), streamed)); // another size than the entry's
    const found = await dynamicElfFiles([tree], 'amd64');
    const whole = (b: Buffer | ByteSource) => (Buffer.isBuffer(b) ? b : b.bytes(0, b.length));
    assert.equal(Buffer.isBuffer(found.find((f) => f.path === '/kept')?.bytes), false, 'not read whole');
    assert.deepEqual(
      found.map((f) => [f.path, whole(f.bytes).equals(prog)]),
      [
        ['/gone', true],
        ['/kept', true],
        ['/short', true],
      ],
    );
  });
});

describe('the packages a build adds for its binaries', () => {
  it('a dynamic program on scratch gets libc6 and its library; the lock pins them', async () => {
    const { dir, pith, config } = await setup(
      'scratch',
      'files:\n  - {src: prog, dst: /usr/bin/prog}\nentrypoint: [/usr/bin/prog]\n',
    );
    const report = await pith.build({ config, output: `oci:${join(dir, 'out')}` });
    assert.deepEqual(names(report), ['libc6', 'libfoo1']);
    const lock = await pith.lock({ config });
    assert.deepEqual(lock.lock.archs['amd64']?.map((p) => p.name).sort(), ['libc6', 'libfoo1']);
    const locked = await pith.build({ config, output: `oci:${join(dir, 'locked')}`, locked: true });
    assert.equal(locked.digest, report.digest);
  });

  it('a package the config installs is not added twice; a static program needs nothing', async () => {
    const a = await setup('have', 'packages: [libfoo1]\nfiles:\n  - {src: prog, dst: /usr/bin/prog}\n');
    assert.deepEqual(names(await a.pith.build({ config: a.config, output: `oci:${join(a.dir, 'out')}` })), [
      'libc6',
      'libfoo1',
    ]);
    const b = await setup('static-prog', 'files:\n  - {src: static, dst: /usr/bin/static}\n');
    const report = await b.pith.build({ config: b.config, output: `oci:${join(b.dir, 'out')}` });
    assert.equal(report.debian, undefined, 'no Debian package at all');
  });

  it('a soname no package ships is refused naming it; nothing is written', async () => {
    const { dir, pith, config } = await setup('nope', 'files:\n  - {src: useno, dst: /usr/bin/useno}\n');
    await assert.rejects(pith.build({ config, output: `oci:${join(dir, 'out')}` }), {
      code: 'MISSING_SONAME',
      message: /libpithnope\.so\.1.*\/usr\/bin\/useno|\/usr\/bin\/useno.*libpithnope\.so\.1/,
    });
    assert.ok(!(await readdir(dir)).includes('out'));
  });

  it('resolveLibraries: false builds exactly what is configured', async () => {
    const { dir, pith, config } = await setup(
      'off',
      'resolveLibraries: false\nfiles:\n  - {src: prog, dst: /usr/bin/prog}\n',
    );
    const report = await pith.build({ config, output: `oci:${join(dir, 'out')}` });
    assert.equal(report.debian, undefined);
  });
});
