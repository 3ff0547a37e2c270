// A Python app over the python3 preset with real parts: a pure-Python wheel (made here, as PyPI is out of
// reach) installed by pip; a virtual environment made by the image's own CPython 3.13 (python3 -m venv
// under podman) with its bytecode compiled by that CPython (compileall, timestamp pycs); the host's
// python3 venv as one for another version. The image's CPython is the oracle: it imports the dependency
// from /usr/local/lib/python3.13/dist-packages, loads pith's rewritten pyc with hash checks forced on
// (--check-hash-based-pycs always) and computes the same importlib.util.source_hash. Recompiling with
// other timestamps gives byte-identical layers.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { PODMAN_RUN, pith, run } from '../helpers.ts';
import { buildJson, CACHE_DIR, layoutImages, listLayer } from './helpers.ts';

const SITE = 'usr/local/lib/python3.13/dist-packages';
let dirs = 0;
const images: string[] = [];

/** A temporary directory whose path is all lowercase (podman names an oci: image after its path). */
async function lowerTemp(t?: TestContext): Promise<string> {
  const dir = join(tmpdir(), `pith-python-e2e-${process.pid}-${++dirs}`);
  await mkdir(dir);
  t?.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** podman run of an OCI layout's image (removed from podman's store after the tests). */
async function podman(layout: string, extra: string[], args: string[] = []) {
  images.push(`localhost${layout}:latest`);
  return run('podman', [...PODMAN_RUN, ...extra, `oci:${layout}:latest`, ...args], { timeoutMs: 180_000 });
}

async function ok(cmd: string, args: string[], cwd?: string): Promise<string> {
  const r = await run(cmd, args, { timeoutMs: 180_000, ...(cwd ? { cwd } : {}) });
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A pure-Python wheel, greet 1.0 (a wheel is a zip with a .dist-info; pip installs it offline). */
async function makeWheel(dir: string): Promise<string> {
  const script = `
import base64, hashlib, sys, zipfile
files = {
  'greet/__init__.py': 'def hello(name):\\n    return "hello, " + name\\n',
  'greet-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: greet\\nVersion: 1.0\\n',
  'greet-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: pith-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
record = []
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for path, text in files.items():
        data = text.encode()
        z.writestr(path, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
        record.append(f'{path},sha256={digest},{len(data)}')
    record.append('greet-1.0.dist-info/RECORD,,')
    z.writestr('greet-1.0.dist-info/RECORD', '\\n'.join(record) + '\\n')
`;
  const wheel = join(dir, 'greet-1.0-py3-none-any.whl');
  await ok('python3', ['-c', script, wheel]);
  return wheel;
}

const APP = 'import sys, greet\nprint(greet.hello("image"), greet.__file__)\n';

async function config(dir: string, deps: string): Promise<string> {
  await mkdir(join(dir, 'app'), { recursive: true });
  await writeFile(join(dir, 'app', 'main.py'), APP);
  await writeFile(
    join(dir, 'pith.yaml'),
    `preset: python3\narchs: [amd64]\napp:\n  python: app\n  ${deps}\n`,
  );
  return join(dir, 'pith.yaml');
}

describe('a Python app', { timeout: 900_000 }, () => {
  let work: string;
  let wheel: string;
  let hostVenv: string;
  let python3Image: string;

  before(async () => {
    work = await lowerTemp();
    wheel = await makeWheel(work);
    // the host's python3 (3.11 on bookworm): its venv's pip installs the wheel anywhere, offline
    hostVenv = join(work, 'host-venv');
    await ok('python3', ['-m', 'venv', hostVenv]);
    await ok(join(hostVenv, 'bin', 'pip'), ['install', '-q', '--no-index', wheel]);
    python3Image = join(work, 'python3');
    await buildJson({ preset: 'python3', archs: ['amd64'], output: `oci:${python3Image}:latest` });
  });

  after(async () => {
    await rm(work, { recursive: true, force: true });
    if (images.length) await run('podman', ['rmi', '-f', ...new Set(images)], { timeoutMs: 180_000 });
  });

  it('pip install --target: the app imports its dependency from dist-packages; host pycs for 3.11 stay out', async (t) => {
    const dir = await lowerTemp(t);
    await ok(join(hostVenv, 'bin', 'pip'), [
      'install',
      '-q',
      '--no-index',
      '--target',
      join(dir, 'deps'),
      wheel,
    ]);
    const out = join(dir, 'img');
    await buildJson({ config: await config(dir, 'pipTarget: deps'), output: `oci:${out}:latest` });
    const [img] = await layoutImages(out, 'latest');
    const layers = img!.manifest.layers;
    const deps = await listLayer(out, layers.at(-2)!.digest);
    for (const want of [`${SITE}/greet/__init__.py`, `${SITE}/greet-1.0.dist-info/METADATA`])
      assert.ok(deps.includes(want), `${want} in ${deps.join(' ')}`);
    assert.ok(
      !deps.some((p) => p.includes('__pycache__')),
      `pip's 3.11 pycs are left out: ${deps.join(' ')}`,
    );
    assert.deepEqual(await listLayer(out, layers.at(-1)!.digest), ['app', 'app/main.py']);
    assert.deepEqual(img!.config.config?.Entrypoint, ['/usr/bin/python3.13', '/app/main.py']);
    assert.ok(img!.config.config?.Env?.includes('PYTHONDONTWRITEBYTECODE=1'));
    const r = await podman(out, []);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `hello, image /${SITE}/greet/__init__.py`);
  });

  it("a venv of the image's CPython 3.13: its pycs load with hash checks forced, and do not depend on when they were compiled", async (t) => {
    const dir = await lowerTemp(t);
    const inImage = (args: string[]) =>
      podman(
        python3Image,
        ['--user', '0', '-v', `${dir}:/work`, '--entrypoint', '/usr/bin/python3.13'],
        args,
      );
    const made = await inImage(['-m', 'venv', '--without-pip', '/work/venv']);
    assert.equal(made.code, 0, made.stderr);
    assert.match(await readFile(join(dir, 'venv', 'pyvenv.cfg'), 'utf8'), /^version = 3\.13\.\d+$/m);
    const site = join(dir, 'venv', 'lib', 'python3.13', 'site-packages');
    await ok(join(hostVenv, 'bin', 'pip'), [
      'install',
      '-q',
      '--no-index',
      '--no-compile',
      '--only-binary=:all:',
      '--python-version',
      '3.13',
      '--target',
      site,
      wheel,
    ]);
    const compile = () =>
      inImage(['-m', 'compileall', '-q', '-f', '/work/venv/lib/python3.13/site-packages']);
    assert.equal((await compile()).code, 0);
    const cfg = await config(dir, 'venv: venv');
    await buildJson({ config: cfg, output: `oci:${join(dir, 'one')}:latest` });
    const check = [
      'import greet, importlib.util',
      'pyc = open(greet.__cached__, "rb").read()',
      'src = open(greet.__file__, "rb").read()',
      'print(int.from_bytes(pyc[4:8], "little"), pyc[8:16] == importlib.util.source_hash(src))',
    ].join('\n');
    const r = await podman(
      join(dir, 'one'),
      ['--entrypoint', '/usr/bin/python3.13'],
      ['--check-hash-based-pycs', 'always', '-v', '-c', check],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.trim(),
      '1 True',
      'flags: unchecked hash; the hash is the source hash of CPython 3.13',
    );
    assert.match(
      r.stderr,
      new RegExp(`code object from '/${SITE}/greet/__pycache__/__init__\\.cpython-313\\.pyc'`),
      'CPython loaded the pyc, having checked its hash',
    );
    const app = await podman(join(dir, 'one'), []);
    assert.equal(app.stdout.trim(), `hello, image /${SITE}/greet/__init__.py`, app.stderr);
    // compiled again, later, from sources with other times: a timestamp pyc differs, the layer does not
    const pyc = join(site, 'greet', '__pycache__', '__init__.cpython-313.pyc');
    const before = await readFile(pyc);
    await utimes(join(site, 'greet', '__init__.py'), 1_800_000_000, 1_800_000_000);
    assert.equal((await compile()).code, 0);
    assert.notDeepEqual(await readFile(pyc), before, "compileall's pyc records the new mtime");
    await buildJson({ config: cfg, output: `oci:${join(dir, 'two')}:latest` });
    const [one] = await layoutImages(join(dir, 'one'), 'latest');
    const [two] = await layoutImages(join(dir, 'two'), 'latest');
    assert.deepEqual(
      two!.manifest.layers.map((l) => l.digest),
      one!.manifest.layers.map((l) => l.digest),
    );
  });

  it("refused: the host python3's venv, made for another minor version than the image's 3.13", async (t) => {
    const dir = await lowerTemp(t);
    const minor = (await ok('python3', ['-c', 'import sys; print(sys.version_info[1])'])).trim();
    assert.notEqual(minor, '13', 'the host python3 is not the image version (this test needs another one)');
    await mkdir(join(dir, 'app'));
    await ok('python3', ['-m', 'venv', '--without-pip', join(dir, 'app', 'venv')]);
    const cfg = await config(dir, 'venv: app/venv');
    const r = await pith([
      'build',
      cfg,
      '--output',
      `oci:${join(dir, 'img')}:latest`,
      '--cache-dir',
      CACHE_DIR,
      '--json',
    ]);
    assert.equal(r.code, 3, r.stderr);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; field: string; message: string } };
    assert.equal(error.code, 'PYTHON_VERSION_MISMATCH');
    assert.equal(error.field, 'app.venv');
    assert.match(
      error.message,
      new RegExp(`for Python 3\\.${minor}\\.\\d+ \\(pyvenv\\.cfg\\), but the image runs Python 3\\.13`),
    );
  });
});
