// `pith ldd` as a user runs it, against a signed fake repository on 127.0.0.1: the text lines (interpreter,
// each soname → path → package and version, the choice among candidates, the packages to add), --json
// with the same facts, and the exit codes of a bad --arch (2) and of a file that is not ELF (3).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LddReport } from '../../src/api/index.ts';
import { startFakeRepo } from '../../src/testing/index.ts';
import { fakeRepoArgs, pith, run, tempDir } from '../helpers.ts';
import { FAKE_LIBC6, fakeLibrary, LIBDIR } from '../ldd-helpers.ts';

const skip = process.platform === 'linux' && process.arch === 'x64' ? false : 'needs an x86-64 host with gcc';

test('pith ldd: text and --json against a fake suite; usage and input errors', { skip }, async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'foo.c'), 'int foo(void) { return 1; }\n');
  await writeFile(join(dir, 'prog.c'), 'int foo(void);\nint main(void) { return foo(); }\n');
  for (const args of [
    ['-shared', '-fPIC', '-Wl,-soname,libfoo.so.1', '-o', 'libfoo.so.1', 'foo.c'],
    ['prog.c', '-o', 'prog', '-L.', '-l:libfoo.so.1'],
  ]) {
    const r = await run('gcc', args, { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  }
  const repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [
        FAKE_LIBC6,
        fakeLibrary('libfoo1', '1.0-1', 'libfoo.so.1'),
        fakeLibrary('libfoo1-extra', '1.0-1', 'libfoo.so.1'),
      ],
    },
    { name: 'trixie-updates', packages: [] },
    { name: 'trixie-security', packages: [] },
  ]);
  t.after(() => repo.close());
  await writeFile(join(dir, 'fake.asc'), repo.publicKey);
  const prog = join(dir, 'prog');
  const common = fakeRepoArgs(repo, dir);

  const text = await pith(['ldd', prog, ...common, '-q']);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(
    text.stdout,
    [
      `${prog} (amd64, trixie)`,
      '  interpreter /lib64/ld-linux-x86-64.so.2 → /usr/lib64/ld-linux-x86-64.so.2 → libc6 2.41-12',
      `  libfoo.so.1 → /${LIBDIR}/libfoo.so.1 → libfoo1 1.0-1 (of libfoo1, libfoo1-extra)`,
      `  libc.so.6 → /${LIBDIR}/libc.so.6 → libc6 2.41-12`,
      'packages: libc6 libfoo1',
      '',
    ].join('\n'),
  );

  const json = await pith(['ldd', prog, ...common, '--json', '--arch', 'amd64', '--suite', 'trixie']);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as LddReport;
  assert.deepEqual(
    [report.file, report.suite, report.arch, report.packages],
    [prog, 'trixie', 'amd64', ['libc6', 'libfoo1']],
  );
  assert.deepEqual(report.libraries[0], {
    soname: 'libfoo.so.1',
    neededBy: prog,
    path: `/${LIBDIR}/libfoo.so.1`,
    from: 'debian',
    package: 'libfoo1',
    version: '1.0-1',
    candidates: ['libfoo1', 'libfoo1-extra'],
  });

  const badArch = await pith(['ldd', prog, ...common, '--arch', 'x86_64', '--json']);
  assert.equal(badArch.code, 2, badArch.stderr);
  assert.equal((JSON.parse(badArch.stdout) as { error: { code: string } }).error.code, 'BAD_ARCH');
  const notElf = await pith(['ldd', join(dir, 'prog.c'), ...common]);
  assert.equal(notElf.code, 3, notElf.stderr);
  assert.match(notElf.stderr, /prog\.c: not an ELF executable or shared object/);
});
