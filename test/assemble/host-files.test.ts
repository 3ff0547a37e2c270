// Host files must not leak into images (issue §3) and ordinary mistakes with them are one line (§4): the
// build context bounds every src (a symlink or ../ that leaves it is refused, a symlink inside it is
// followed), host permissions are never widened, directory symlinks are stored as symlinks, names that are
// not UTF-8 are stored as their bytes, and FIFOs, sockets, devices and unreadable files are clear errors.
// Builds call the library API in process; the unreadable-file test runs the CLI as a process without root's
// capabilities, since a process running as root reads any file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { nameToBytes } from '../../src/tar/index.ts';
import { tempDir } from '../helpers.ts';
import {
  assertOneLine,
  assertRefused,
  buildInProcess,
  configDir,
  filesLayer,
  pithUnprivileged,
} from './files-helpers.ts';

const entry = (src: string, dst: string, extra = '') => `  - src: ${src}\n    dst: ${dst}\n${extra}`;

test('a src symlink to a file outside the context is refused, naming the link and its target', async (t) => {
  const outside = await tempDir(t);
  await writeFile(join(outside, 'secret'), 'secret\n');
  const dir = await configDir(t, `files:\n${entry('link', '/x')}`);
  await symlink(join(outside, 'secret'), join(dir, 'link'));
  await assertRefused(
    buildInProcess(dir),
    'input',
    new RegExp(
      `^${dir}/pith\\.yaml:2:10: files\\[0\\]\\.src: link is a symlink to ${outside}/secret, outside the build context ${dir}; to allow it, set context: `,
    ),
    dir,
  );
});

test('a ../ src is refused, naming the path it resolves to and the context', async (t) => {
  const root = await tempDir(t);
  await writeFile(join(root, 'hostname'), 'host\n');
  await mkdir(join(root, 'cfg'));
  await writeFile(join(root, 'cfg', 'pith.yaml'), `files:\n${entry('../hostname', '/etc/hostname')}`);
  await assertRefused(
    buildInProcess(join(root, 'cfg')),
    'input',
    new RegExp(
      `files\\[0\\]\\.src: \\.\\./hostname is ${root}/hostname, outside the build context ${root}/cfg;`,
    ),
    join(root, 'cfg'),
  );
});

test('a src below a directory symlink that leaves the context is refused', async (t) => {
  const outside = await tempDir(t);
  await writeFile(join(outside, 'shadow'), 'x');
  const dir = await configDir(t, `files:\n${entry('etc/shadow', '/x')}`);
  await symlink(outside, join(dir, 'etc'));
  await assertRefused(
    buildInProcess(dir),
    'input',
    new RegExp(`etc/shadow resolves to ${outside}/shadow \\(through a symlink\\), outside the build context`),
    dir,
  );
});

test('a src symlink inside the context is followed: content and mode of its target', async (t) => {
  const dir = await configDir(t, `files:\n${entry('link', '/x')}`);
  await writeFile(join(dir, 'target'), 'data\n');
  await chmod(join(dir, 'target'), 0o640);
  await symlink('target', join(dir, 'link'));
  await buildInProcess(dir);
  const x = (await filesLayer(join(dir, 'out'))).find((m) => m.name === 'x')!;
  assert.equal(x.type, '0');
  assert.equal(x.mode, 0o640);
  assert.equal(Buffer.from(x.data!, 'hex').toString(), 'data\n');
});

test('symlinks inside a src directory are stored as symlinks, never followed', async (t) => {
  const dir = await configDir(t, `files:\n${entry('tree', '/tree')}`);
  await mkdir(join(dir, 'tree'));
  await symlink('/etc/shadow', join(dir, 'tree', 'shadow'));
  await buildInProcess(dir);
  const m = (await filesLayer(join(dir, 'out'))).find((e) => e.name === 'tree/shadow')!;
  assert.equal(m.type, '2');
  assert.equal(m.linkname, '/etc/shadow');
  assert.equal(m.size, 0);
});

test('host permissions are never widened for group or other; an explicit mode wins', async (t) => {
  const files = [
    ['f640', 0o640, 0o640],
    ['f600', 0o600, 0o600],
    ['x750', 0o750, 0o750],
    ['f664', 0o664, 0o644],
    ['x711', 0o711, 0o711],
    ['x777', 0o777, 0o755],
    ['f444', 0o444, 0o644],
  ] as const;
  const dir = await configDir(
    t,
    `files:\n${entry('tree', '/tree')}${entry('tree/f600', '/explicit', '    mode: "0644"\n')}`,
  );
  await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
  for (const [name, mode] of files) {
    await writeFile(join(dir, 'tree', name), 'x');
    await chmod(join(dir, 'tree', name), mode);
  }
  await chmod(join(dir, 'tree', 'sub'), 0o750);
  await buildInProcess(dir);
  const modes = new Map((await filesLayer(join(dir, 'out'))).map((m) => [m.name, m.mode]));
  for (const [name, , want] of files) assert.equal(modes.get(`tree/${name}`), want, name);
  assert.equal(modes.get('tree/sub'), 0o750, 'a directory others cannot enter stays so');
  assert.equal(modes.get('explicit'), 0o644, "an explicit mode is the user's choice");
});

test('names that are not UTF-8 are stored as their exact bytes, and the image validates', async (t) => {
  const dir = await configDir(t, `files:\n${entry('tree', '/tree')}`);
  execFileSync(
    'python3',
    [
      '-c',
      `import os
os.makedirs(b'tree/dir\\xff')
open(b'tree/dir\\xff/caf\\xe9', 'w').write('x')
open(b'tree/' + b'\\xfe' * 150, 'w').write('y')
os.symlink(b'caf\\xe9', b'tree/dir\\xff/link')`,
    ],
    { cwd: dir },
  );
  await buildInProcess(dir);
  const names = (await filesLayer(join(dir, 'out'))).map((m) => [m.name, m.linkname]);
  // pythonList decodes with surrogateescape, which nameToBytes reverses (test/tar/name-bytes.test.ts)
  const bytes = names.map(([n, l]) => [nameToBytes(n!).toString('hex'), nameToBytes(l!).toString('hex')]);
  assert.deepEqual(bytes, [
    [hex('tree'), ''],
    [hex('tree/dir\xff'), ''],
    [hex('tree/dir\xff/caf\xe9'), ''],
    [hex('tree/dir\xff/link'), hex('caf\xe9')],
    [hex(`tree/${'\xfe'.repeat(150)}`), ''],
  ]);
  const v = await createPith({ env: {} }).validate(`oci:${join(dir, 'out')}`);
  assert.ok(v.valid, JSON.stringify(v.problems));
});

test('a FIFO or a socket, as src or inside a src directory, is one line naming it', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'tree'));
  execFileSync('mkfifo', [join(dir, 'fifo'), join(dir, 'tree', 'fifo')]);
  execFileSync('python3', [
    '-c',
    'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
    join(dir, 'sock'),
  ]);
  const cases = [
    ['fifo', `${dir}/fifo is a FIFO`],
    ['tree', `${dir}/tree/fifo is a FIFO`],
    ['sock', `${dir}/sock is a socket`],
  ];
  for (const [src, what] of cases) {
    await writeFile(join(dir, 'pith.yaml'), `files:\n${entry(src!, '/x')}`);
    await assertRefused(
      buildInProcess(dir),
      'input',
      new RegExp(
        `^${dir}/pith\\.yaml:2:10: files\\[0\\]\\.src: ${what}; only regular files, directories and symlinks`,
      ),
      dir,
    );
  }
});

test('a device inside a src directory is refused', {
  timeout: 60_000,
}, async (t) => {
  const dir = await configDir(t, `files:\n${entry('tree', '/tree')}`);
  await mkdir(join(dir, 'tree'));
  execFileSync('mknod', [join(dir, 'tree', 'null'), 'c', '1', '3']);
  await assertRefused(
    buildInProcess(dir),
    'input',
    /files\[0\]\.src: .*\/tree\/null is a character device;/,
    dir,
  );
});

test('an unreadable file or directory inside a src directory is one line, exit 5', async (t) => {
  for (const what of ['file', 'dir']) {
    const dir = await configDir(t, `files:\n${entry('tree', '/tree')}`);
    await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
    await writeFile(join(dir, 'tree', 'secret'), 'x'.repeat(100));
    await chmod(join(dir, 'tree'), 0o755);
    await chmod(join(dir, 'tree', what === 'file' ? 'secret' : 'sub'), 0o000);
    const r = await pithUnprivileged(['build', 'pith.yaml', '--output', 'oci:out'], dir);
    const path = join(dir, 'tree', what === 'file' ? 'secret' : 'sub');
    await assertOneLine(
      r,
      5,
      new RegExp(`files\\[0\\]\\.src: cannot read ${path}: permission denied \\(EACCES\\)$`),
      dir,
    );
  }
});

function hex(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('hex');
}
