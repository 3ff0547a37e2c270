// An ELF executable or shared object for another architecture than the image's is refused (issue §6),
// naming the host file, the image path and both machines. Real ELF files: the repo's static hello for
// amd64 and arm64 (examples/hello), and a shared object and a relocatable object compiled here with gcc for
// the host; other machines, classes and byte orders are crafted headers (e_ident, e_type, e_machine only).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { elfMismatch } from '../../src/assemble/elf-arch.ts';
import { hostArch } from '../../src/config/arch.ts';
import { ROOT, tempDir } from '../helpers.ts';
import { assertOneLine, buildIn, configDir } from './files-helpers.ts';

const HELLO_AMD64 = join(ROOT, 'examples/hello/hello-amd64');
const HELLO_ARM64 = join(ROOT, 'examples/hello/hello-arm64');

/** The first 20 bytes of an ELF file: e_ident, e_type, e_machine. */
function header(cls: 32 | 64, littleEndian: boolean, type: number, machine: number): Buffer {
  const b = Buffer.alloc(20);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, cls === 64 ? 2 : 1, littleEndian ? 1 : 2, 1]).copy(b);
  if (littleEndian) {
    b.writeUInt16LE(type, 16);
    b.writeUInt16LE(machine, 18);
  } else {
    b.writeUInt16BE(type, 16);
    b.writeUInt16BE(machine, 18);
  }
  return b;
}

test('the static hello programs match their own architecture only', async () => {
  const amd64 = await readFile(HELLO_AMD64);
  const arm64 = await readFile(HELLO_ARM64);
  assert.equal(elfMismatch(amd64, 'amd64'), undefined);
  assert.equal(elfMismatch(arm64, 'arm64'), undefined);
  assert.equal(
    elfMismatch(arm64, 'amd64'),
    'is an ELF executable for AArch64 (64-bit LSB), but the image is amd64 (x86-64, 64-bit LSB)',
  );
  assert.equal(
    elfMismatch(amd64, 'arm64'),
    'is an ELF executable for x86-64 (64-bit LSB), but the image is arm64 (AArch64, 64-bit LSB)',
  );
});

test('a shared object is checked; a relocatable object, a non-ELF file and a short file are not', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'lib.c'), 'int answer(void) { return 42; }\n');
  execFileSync('gcc', ['-shared', '-fPIC', '-o', 'lib.so', 'lib.c'], { cwd: dir });
  execFileSync('gcc', ['-c', '-o', 'lib.o', 'lib.c'], { cwd: dir });
  const so = await readFile(join(dir, 'lib.so'));
  const host = hostArch();
  const other = host === 'arm64' ? 'amd64' : 'arm64';
  assert.equal(elfMismatch(so, host), undefined);
  assert.match(elfMismatch(so, other)!, /^is an ELF shared object or PIE executable for /);
  assert.equal(elfMismatch(await readFile(join(dir, 'lib.o')), other), undefined, 'ET_REL is not run');
  assert.equal(elfMismatch(Buffer.from('#!/bin/sh\necho hello world\n'), 'amd64'), undefined);
  assert.equal(elfMismatch(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), 'arm64'), undefined);
});

test('machine, class and byte order must all be the architecture’s', () => {
  const EXEC = 2;
  const DYN = 3;
  const cases: [Buffer, Parameters<typeof elfMismatch>[1], string | undefined][] = [
    [header(32, true, EXEC, 3), 'i386', undefined],
    [
      header(32, true, EXEC, 3),
      'amd64',
      'for Intel 80386 (32-bit LSB), but the image is amd64 (x86-64, 64-bit LSB)',
    ],
    [
      header(32, true, DYN, 62),
      'amd64',
      'for x86-64 (32-bit LSB), but the image is amd64 (x86-64, 64-bit LSB)',
    ],
    [header(64, false, EXEC, 22), 's390x', undefined],
    [
      header(64, false, EXEC, 22),
      'ppc64el',
      'for IBM S/390 (64-bit MSB), but the image is ppc64el (PowerPC64, 64-bit LSB)',
    ],
    [
      header(64, false, DYN, 21),
      'ppc64el',
      'for PowerPC64 (64-bit MSB), but the image is ppc64el (PowerPC64, 64-bit LSB)',
    ],
    [header(64, true, DYN, 21), 'ppc64el', undefined],
    [header(32, true, EXEC, 40), 'armhf', undefined],
    [header(32, true, EXEC, 40), 'armel', undefined],
    [header(64, true, EXEC, 243), 'riscv64', undefined],
    [
      header(64, true, EXEC, 258),
      'riscv64',
      'for LoongArch (64-bit LSB), but the image is riscv64 (RISC-V, 64-bit LSB)',
    ],
    [header(64, true, EXEC, 9999), 'amd64', 'for machine 9999 (64-bit LSB), but the image is amd64'],
  ];
  for (const [head, arch, want] of cases) {
    const got = elfMismatch(head, arch);
    if (want === undefined) assert.equal(got, undefined, `${arch}: ${head.toString('hex')}`);
    else assert.ok(got?.includes(want), `${arch}: got ${got}`);
  }
});

test('pith build refuses a foreign ELF file inside a src directory, naming both machines', async (t) => {
  const dir = await configDir(t, 'archs: [amd64]\nfiles:\n  - src: bin\n    dst: /usr/bin\n');
  await mkdir(join(dir, 'bin'));
  await copyFile(HELLO_AMD64, join(dir, 'bin', 'hello'));
  await copyFile(HELLO_ARM64, join(dir, 'bin', 'hello-arm'));
  await assertOneLine(
    await buildIn(dir),
    3,
    new RegExp(
      `^pith: pith\\.yaml:3:10: files\\[0\\]\\.src: ${dir}/bin/hello-arm \\(/usr/bin/hello-arm in the image\\) is an ELF executable for AArch64 \\(64-bit LSB\\), but the image is amd64 \\(x86-64, 64-bit LSB\\)$`,
    ),
    dir,
  );
  await writeFile(join(dir, 'pith.yaml'), 'archs: [amd64]\nfiles:\n  - src: bin/hello\n    dst: /hello\n');
  const ok = await buildIn(dir);
  assert.equal(ok.code, 0, ok.stderr);
});
