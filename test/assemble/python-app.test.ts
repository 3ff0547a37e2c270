// A Python app's layers, offline, from synthetic host directories: a venv's site-packages under
// /usr/local/lib/python3.X/dist-packages without its bin/, pip and the installers nothing requires, and
// pycs for another Python; its own pycs rewritten to unchecked-hash headers (the same layer whatever the
// install time); the app's files without __pycache__, .venv, .git and ignored paths; the script to run.
// Refused: a venv for another minor version, a directory that is no venv, compiled modules for another
// Python, architecture or platform, an image without CPython, a main that is not there.
import assert from 'node:assert/strict';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { ContentCache } from '../../src/apt-repo/index.ts';
import { appImage } from '../../src/assemble/app-layers.ts';
import { pycMagic, sourceHash } from '../../src/assemble/python-pyc.ts';
import { type LoadedConfig, parseConfig } from '../../src/config/index.ts';
import type { FileTree } from '../../src/tar/index.ts';
import { readAll } from '../../src/util/index.ts';
import { tempDir } from '../helpers.ts';

const SITE = 'usr/local/lib/python3.13/dist-packages';
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

/** A 64-bit little-endian ELF shared-object header (no program headers): enough for the checks. */
function sharedObject(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b.set([2, 1, 1], 4); // 64-bit, little-endian, version 1
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeUInt16LE(64, 52);
  return b;
}

const DEP_INIT = 'def hello():\n    return "hi"\n';

/** A pip-style timestamp pyc: magic, flags 0, mtime, size, then a stand-in for the marshalled code. */
function timestampPyc(
  magic: Buffer,
  mtime: number,
  size = Buffer.byteLength(DEP_INIT),
  code = 'code',
): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt32LE(mtime, 4);
  h.writeUInt32LE(size, 8);
  return Buffer.concat([magic, h, Buffer.from(code)]);
}

async function files(root: string, tree: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(tree)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

const M313 = pycMagic(13)!;
const M311 = pycMagic(11)!;

/** A venv as python3.13 -m venv and pip install leave it: dep requires setuptools, nothing requires wheel. */
async function venv(root: string, version = '3.13.5'): Promise<void> {
  const sp = `lib/python${version.split('.').slice(0, 2).join('.')}/site-packages`;
  const record = (...paths: string[]) => paths.map((p) => `${p},sha256=x,1`).join('\n');
  await files(root, {
    'pyvenv.cfg': `home = /usr/bin\ninclude-system-site-packages = false\nversion = ${version}\nexecutable = /usr/bin/python3.13\n`,
    'bin/pip': '#!/host/venv/bin/python\n',
    [`${sp}/dep/__init__.py`]: DEP_INIT,
    [`${sp}/dep/__pycache__/__init__.cpython-313.pyc`]: timestampPyc(M313, 1_700_000_000),
    [`${sp}/dep/__pycache__/__init__.cpython-311.pyc`]: timestampPyc(M311, 1_700_000_000),
    [`${sp}/dep/__pycache__/gone.cpython-313.pyc`]: timestampPyc(M313, 1),
    [`${sp}/dep/stale.py`]: DEP_INIT,
    // compiled from an older stale.py: CPython would recompile it, so it must not be kept as unchecked
    [`${sp}/dep/__pycache__/stale.cpython-313.pyc`]: timestampPyc(M313, 1_600_000_000),
    [`${sp}/dep/_speed.cpython-313-x86_64-linux-gnu.so`]: sharedObject(EM_X86_64),
    [`${sp}/dep/_stable.abi3.so`]: sharedObject(EM_X86_64),
    [`${sp}/dep-1.0.dist-info/METADATA`]:
      'Metadata-Version: 2.1\nName: dep\nVersion: 1.0\nRequires-Dist: setuptools>=40\nRequires-Dist: pytest ; extra == "test"\n\nA package.\nRequires-Dist: wheel\n',
    [`${sp}/dep-1.0.dist-info/RECORD`]: record('dep/__init__.py', 'dep-1.0.dist-info/RECORD'),
    [`${sp}/pip/__init__.py`]: '',
    [`${sp}/pip-24.0.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: pip\nVersion: 24.0\n',
    [`${sp}/pip-24.0.dist-info/RECORD`]: record(
      '../../../bin/pip',
      'pip/__init__.py',
      'pip-24.0.dist-info/RECORD',
    ),
    [`${sp}/setuptools/__init__.py`]: '',
    [`${sp}/pkg_resources/__init__.py`]: '',
    [`${sp}/distutils-precedence.pth`]: 'import _distutils_hack\n',
    [`${sp}/setuptools-68.1.2.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: setuptools\n',
    [`${sp}/setuptools-68.1.2.dist-info/RECORD`]: record(
      'setuptools/__init__.py',
      'pkg_resources/__init__.py',
      'distutils-precedence.pth',
    ),
    [`${sp}/wheel/__init__.py`]: '',
    [`${sp}/Wheel-0.42.0.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: Wheel\n',
    [`${sp}/Wheel-0.42.0.dist-info/RECORD`]: record('wheel/__init__.py', '"wheel/odd,name.py",sha256=x,1'),
  });
  await symlink('python3.13', join(root, 'bin', 'python'));
  // as pip leaves them: each source's mtime is the one its pyc records
  await utimes(join(root, sp, 'dep', '__init__.py'), 1_700_000_000, 1_700_000_000);
  await utimes(join(root, sp, 'dep', 'stale.py'), 1_700_000_000, 1_700_000_000);
}

/** The app directory, with what stays out of its layer. */
async function appDir(root: string, main = 'main.py'): Promise<void> {
  await files(root, {
    [main]: 'import dep\nprint(dep.hello())\n',
    'lib/util.py': '',
    '__pycache__/main.cpython-311.pyc': timestampPyc(M311, 1),
    'lib/__pycache__/util.cpython-313.pyc': timestampPyc(M313, 1),
    '.venv/pyvenv.cfg': '',
    '.git/HEAD': '',
    'secret.txt': '',
    'tests/test_x.py': '',
    '.pithignore': 'secret.txt\n',
    '.dockerignore': 'tests\n',
  });
}

async function setup(t: TestContext, yaml: string) {
  const dir = await tempDir(t, 'pith-python-app-');
  await writeFile(join(dir, 'pith.yaml'), yaml);
  const loaded = parseConfig(yaml, join(dir, 'pith.yaml'));
  return { dir, loaded };
}

const IMAGE = 'packages: [python3.13-minimal, libpython3.13-stdlib]\n';

/** The app's part of an amd64 image (nothing is fetched: the cache is never used). */
function build(loaded: LoadedConfig, opts: { ownEntrypoint?: boolean } = {}) {
  const fetch = { cwd: loaded.baseDir, cache: new ContentCache(join(loaded.baseDir, '.cache')) };
  return appImage(loaded, 'amd64', { epoch: 0 }, new Map(), { ...fetch, ...opts });
}

const paths = (tree: FileTree) => tree.entries().map((e) => e.path);

test('a venv: site-packages into dist-packages without installers nothing needs; app files in their own layer', async (t) => {
  const { dir, loaded } = await setup(t, `${IMAGE}app:\n  python: app\n  venv: venv\n`);
  await venv(join(dir, 'venv'));
  await appDir(join(dir, 'app'));
  const image = (await build(loaded))!;
  assert.equal(image.layers.length, 2);
  const [deps, app] = image.trees as [FileTree, FileTree];
  const dp = paths(deps);
  for (const want of [
    `${SITE}/dep/__init__.py`,
    `${SITE}/dep/__pycache__/__init__.cpython-313.pyc`,
    `${SITE}/dep/_speed.cpython-313-x86_64-linux-gnu.so`,
    `${SITE}/dep-1.0.dist-info/METADATA`,
    `${SITE}/setuptools/__init__.py`,
    `${SITE}/pkg_resources/__init__.py`,
    `${SITE}/distutils-precedence.pth`,
  ])
    assert.ok(dp.includes(want), `${want} in ${dp.join(' ')}`);
  for (const gone of ['pip', 'pip-24.0.dist-info', 'wheel', 'Wheel-0.42.0.dist-info'])
    assert.ok(!dp.some((p) => p.startsWith(`${SITE}/${gone}`)), `${gone} left out`);
  assert.ok(!dp.some((p) => p.endsWith('.cpython-311.pyc')), 'a pyc for another Python is left out');
  assert.ok(!dp.some((p) => p.endsWith('gone.cpython-313.pyc')), 'a pyc without its source is left out');
  assert.ok(!dp.some((p) => p.endsWith('stale.cpython-313.pyc')), 'a pyc of an older source is left out');
  assert.ok(
    dp.some((p) => p.endsWith('dep/stale.py')),
    'its source stays',
  );
  assert.ok(!dp.some((p) => p.includes('bin/')), "the venv's scripts are left out");
  const ap = paths(app);
  for (const want of ['app/main.py', 'app/lib/util.py']) assert.ok(ap.includes(want), want);
  for (const gone of ['__pycache__', '.venv', '.git', 'secret.txt', 'tests', 'pith.yaml'])
    assert.ok(!ap.some((p) => p.startsWith(`app/${gone}`) || p.includes('/__pycache__')), gone);
  assert.deepEqual(image.entrypoint, ['/usr/bin/python3.13', '/app/main.py']);
  assert.equal(image.workdir, '/app');
  assert.deepEqual(image.env, { PYTHONDONTWRITEBYTECODE: '1' });
});

test('kept pycs get an unchecked-hash header over their source; the layer does not depend on install time', async (t) => {
  const { dir, loaded } = await setup(t, `${IMAGE}app:\n  python: app\n  venv: venv\n`);
  await venv(join(dir, 'venv'));
  await appDir(join(dir, 'app'));
  const first = (await build(loaded))!;
  const node = first.trees[0]!.get(`${SITE}/dep/__pycache__/__init__.cpython-313.pyc`)!;
  const pyc = await readAll(node.content!());
  assert.deepEqual(pyc.subarray(0, 4), M313);
  assert.equal(pyc.readUInt32LE(4), 1, 'flags: hash-based, unchecked');
  assert.deepEqual(pyc.subarray(8, 16), sourceHash(M313, Buffer.from(DEP_INIT)));
  assert.equal(pyc.subarray(16).toString(), 'code', 'the code is kept');
  // pip run again later: other pyc timestamps, other file times
  const sp = join(dir, 'venv', 'lib', 'python3.13', 'site-packages');
  await writeFile(
    join(sp, 'dep', '__pycache__', '__init__.cpython-313.pyc'),
    timestampPyc(M313, 1_800_000_000),
  );
  await utimes(join(sp, 'dep', '__init__.py'), 1_800_000_000, 1_800_000_000);
  const again = (await build(loaded))!;
  assert.equal(again.layers[0]!.diffId, first.layers[0]!.diffId);
});

test('a pip install --target directory: all of it but bin/; main and the dependency dir inside the app', async (t) => {
  const { dir, loaded } = await setup(
    t,
    `${IMAGE}app:\n  python: app\n  pipTarget: app/deps\n  main: serve.py\n  dst: /srv\n`,
  );
  await appDir(join(dir, 'app'), 'serve.py');
  await files(join(dir, 'app', 'deps'), {
    'six.py': '',
    'six-1.16.0.dist-info/METADATA': 'Name: six\n',
    'pip/__init__.py': '',
    'bin/tool': '#!/usr/bin/python3\n',
  });
  const image = (await build(loaded))!;
  const [deps, app] = image.trees as [FileTree, FileTree];
  assert.deepEqual(
    paths(deps).filter((p) => p.startsWith(`${SITE}/`)),
    [
      `${SITE}/pip`,
      `${SITE}/pip/__init__.py`,
      `${SITE}/six-1.16.0.dist-info`,
      `${SITE}/six-1.16.0.dist-info/METADATA`,
      `${SITE}/six.py`,
    ],
  );
  assert.ok(
    !paths(app).some((p) => p.startsWith('srv/deps')),
    'the dependencies are not in the app layer too',
  );
  assert.deepEqual(image.entrypoint, ['/usr/bin/python3.13', '/srv/serve.py']);
});

test('the default script is the first of __main__.py, main.py, app.py; the config may name its own entrypoint', async (t) => {
  const { dir, loaded } = await setup(t, `${IMAGE}app:\n  python: app\n`);
  await files(join(dir, 'app'), { 'app.py': '', '__main__.py': '' });
  const image = (await build(loaded))!;
  assert.equal(image.layers.length, 1, 'no dependency layer without venv or pipTarget');
  assert.deepEqual(image.entrypoint, ['/usr/bin/python3.13', '/app/__main__.py']);
  const own = await setup(t, `${IMAGE}app:\n  python: app\nentrypoint: [/usr/bin/python3.13, -m, x]\n`);
  await files(join(own.dir, 'app'), { 'x.py': '' });
  assert.equal((await build(own.loaded, { ownEntrypoint: true }))!.entrypoint, undefined);
});

test('the image Python: the suite default for python3; refused without one', async (t) => {
  const bookworm = await setup(t, 'suite: bookworm\npackages: [python3]\napp:\n  python: app\n');
  await files(join(bookworm.dir, 'app'), { 'main.py': '' });
  assert.deepEqual((await build(bookworm.loaded))!.entrypoint, ['/usr/bin/python3.11', '/app/main.py']);
  const none = await setup(t, 'packages: [libc6]\napp:\n  python: app\n');
  await files(join(none.dir, 'app'), { 'main.py': '' });
  await assert.rejects(build(none.loaded), {
    code: 'NO_IMAGE_PYTHON',
    message: /app\.python: needs Debian's CPython in the image: use preset: python3/,
  });
});

test('refused: a venv for another minor version, a directory that is no venv', async (t) => {
  const { dir, loaded } = await setup(t, `${IMAGE}app:\n  python: app\n  venv: venv\n`);
  await venv(join(dir, 'venv'), '3.11.2');
  await appDir(join(dir, 'app'));
  await assert.rejects(build(loaded), {
    code: 'PYTHON_VERSION_MISMATCH',
    message:
      /app\.venv: .*venv is a virtual environment for Python 3\.11\.2 \(pyvenv\.cfg\), but the image runs Python 3\.13: .*make it with python3\.13 -m venv/,
  });
  const plain = await setup(t, `${IMAGE}app:\n  python: app\n  venv: app\n`);
  await appDir(join(plain.dir, 'app'));
  await assert.rejects(build(plain.loaded), {
    code: 'NOT_A_VENV',
    message: /app\.venv: .*app has no pyvenv\.cfg: not a virtual environment .*use pipTarget/,
  });
});

test('refused: compiled modules for another Python, architecture or platform', async (t) => {
  const cases: [string, Buffer, string, RegExp][] = [
    [
      'm.cpython-311-x86_64-linux-gnu.so',
      sharedObject(EM_X86_64),
      'PYTHON_EXTENSION_MISMATCH',
      /cpython-311-x86_64-linux-gnu, but the image's Python loads cpython-313-x86_64-linux-gnu/,
    ],
    [
      'm.cpython-313t-x86_64-linux-gnu.so',
      sharedObject(EM_X86_64),
      'PYTHON_EXTENSION_MISMATCH',
      /cpython-313t/,
    ],
    [
      'm.cpython-313-x86_64-linux-musl.so',
      sharedObject(EM_X86_64),
      'PYTHON_EXTENSION_MISMATCH',
      /linux-musl/,
    ],
    [
      'm.cpython-313-darwin.so',
      Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]),
      'PYTHON_EXTENSION_MISMATCH',
      /darwin/,
    ],
    [
      'm.so',
      Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]),
      'PYTHON_EXTENSION_MISMATCH',
      /not an ELF file \(built for macOS \(Mach-O\)\)/,
    ],
    [
      'm.abi3-aarch64-linux-gnu.so',
      sharedObject(EM_X86_64),
      'PYTHON_EXTENSION_MISMATCH',
      /for aarch64-linux-gnu, but the image is x86_64-linux-gnu/,
    ],
    ['m.pypy310-pp73-x86_64-linux-gnu.so', sharedObject(EM_X86_64), 'PYTHON_EXTENSION_MISMATCH', /PyPy/],
    [
      'm.cpython-313-x86_64-linux-gnu.so',
      sharedObject(EM_AARCH64),
      'WRONG_ARCHITECTURE',
      /AArch64 .* but the image is amd64/,
    ],
  ];
  for (const [name, bytes, code, message] of cases) {
    const { dir, loaded } = await setup(t, `${IMAGE}app:\n  python: app\n  pipTarget: deps\n`);
    await appDir(join(dir, 'app'));
    await files(join(dir, 'deps'), { [`pkg/${name}`]: bytes });
    await assert.rejects(build(loaded), (e: Error & { code?: string }) => {
      assert.equal(e.code, code, `${name}: ${e.message}`);
      assert.match(e.message, message, name);
      assert.match(e.message, new RegExp(`pkg/${name.replaceAll('.', '\\.')}`), name);
      return true;
    });
  }
});

test('refused: a main that is not among the app files, an app with no script to run', async (t) => {
  const named = await setup(t, `${IMAGE}app:\n  python: app\n  main: serve.py\n`);
  await appDir(join(named.dir, 'app'));
  await assert.rejects(build(named.loaded), {
    code: 'ENTRYPOINT_MISSING',
    message: /app\.main: serve\.py is not a file among the app's files/,
  });
  const none = await setup(t, `${IMAGE}app:\n  python: app\n`);
  await files(join(none.dir, 'app'), { 'lib.py': '' });
  await assert.rejects(build(none.loaded), {
    code: 'NO_ENTRYPOINT',
    message: /the app has none of __main__\.py, main\.py, app\.py; name its script with app\.main/,
  });
});

test('config: exactly one app kind; venv, pipTarget and main go with python', () => {
  const bad = (yaml: string, message: RegExp) =>
    assert.throws(() => parseConfig(yaml, 'pith.yaml'), { code: 'CONFIG_INVALID', message });
  bad('app:\n  dst: /x\n', /app: needs exactly one of node, python/);
  bad('app:\n  node: a\n  python: b\n', /app: needs exactly one of node, python/);
  bad('app:\n  node: a\n  venv: v\n', /app\.venv: is only used with python/);
  bad('app:\n  python: a\n  venv: v\n  pipTarget: t\n', /app\.pipTarget: give either venv or pipTarget/);
  bad('app:\n  python: a\n  main: /abs.py\n', /app\.main: must be a path relative to the app directory/);
});
