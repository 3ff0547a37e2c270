// A Node.js app built offline against an npm registry and a Node.js release dist served on 127.0.0.1:
// runtime, production dependencies and app files in their own layers; dev and foreign-platform optional
// packages left out; bins linked; ignore files honoured; the command taken from package.json; a changed
// app file changes only the app layer; a tampered package, a foreign native addon, a project without a
// lock are refused with nothing written. Layers are read back with Python's tarfile (an independent reader).
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { blobPath, layoutImages } from '../e2e/helpers.ts';
import { tempDir } from '../helpers.ts';
import { type PyMember, pythonList } from '../tar/helpers.ts';
import { type Published, startNodeSources } from './fake-node-sources.ts';

const shared = (async () => {
  const src = await startNodeSources({ after } as unknown as TestContext, ['24.10.2']);
  const elfArm = elfHeader(183);
  const published = await src.publish([
    { name: 'ms', version: '2.1.3', files: { 'index.js': 'module.exports = () => "1m";\n' } },
    {
      name: '@pith/tool',
      version: '1.0.0',
      manifest: { bin: { tool: 'bin/tool.js' }, scripts: { postinstall: 'node x' } },
      files: { 'bin/tool.js': '#!/usr/bin/env node\n', 'lib/a.js': '' },
    },
    { name: 'ms', version: '1.0.0', files: { 'index.js': 'module.exports = "old";\n' } },
    { name: 'is-number', version: '7.0.0', files: { 'index.js': '' } },
    { name: 'mac-only', version: '1.0.0', manifest: { os: ['darwin'] }, files: { 'index.js': '' } },
    {
      name: 'addon',
      version: '1.0.0',
      files: {
        'prebuilds/darwin-arm64/addon.node': Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0, 0, 0, 0]),
        'prebuilds/linux-arm64/addon.node': elfArm,
        'index.js': '',
      },
    },
  ]);
  const [ms, tool, nestedMs, isNumber, macOnly, addon] = published as [P, P, P, P, P, P];
  return { src, pkgs: { ms, tool, nestedMs, isNumber, macOnly, addon } };
})();

/** A 64-bit little-endian ELF shared-object header for `machine` (no program headers). */
function elfHeader(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeUInt16LE(64, 52);
  return b;
}

type P = Published;
type Pkgs = Awaited<typeof shared>['pkgs'];

function lockEntry(p: Published, version: string, extra: Record<string, unknown> = {}) {
  return { version, resolved: p.tarball, integrity: p.integrity, license: 'MIT', ...extra };
}

/** package-lock.json as npm 11 writes it (one entry without `resolved`, as omit-lockfile-registry-resolved does). */
function packageLock(pkgs: Pkgs, extra: Record<string, unknown> = {}) {
  const { resolved: _, ...msNoResolved } = lockEntry(pkgs.ms, '2.1.3');
  return {
    name: 'hello',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'hello', version: '1.0.0', dependencies: { ms: '2.1.3', '@pith/tool': '1.0.0' } },
      'node_modules/ms': msNoResolved,
      'node_modules/@pith/tool': lockEntry(pkgs.tool, '1.0.0', {
        bin: { tool: 'bin/tool.js' },
        hasInstallScript: true,
      }),
      'node_modules/@pith/tool/node_modules/ms': lockEntry(pkgs.nestedMs, '1.0.0'),
      'node_modules/is-number': lockEntry(pkgs.isNumber, '7.0.0', { dev: true }),
      'node_modules/mac-only': lockEntry(pkgs.macOnly, '1.0.0', { optional: true, os: ['darwin'] }),
      ...extra,
    },
  };
}

async function project(t: TestContext, extraLock: Record<string, unknown> = {}) {
  const { src, pkgs } = await shared;
  const dir = await tempDir(t, 'pith-node-app-');
  const app = join(dir, 'app');
  for (const d of ['lib', 'test', 'node_modules/junk']) await mkdir(join(app, d), { recursive: true });
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'hello',
      version: '1.0.0',
      scripts: { start: 'node server.js --port 8080' },
    }),
    'package-lock.json': JSON.stringify(packageLock(pkgs, extraLock)),
    'server.js': 'require("./lib/x.js");\n',
    'lib/x.js': 'module.exports = 1;\n',
    'test/a.test.js': '',
    'NOTES.md': '',
    'secret.txt': 'left out by .pithignore',
    'node_modules/junk/index.js': 'host node_modules never enter the image',
    '.dockerignore': 'test\n*.md\n',
    '.pithignore': 'secret.txt\n',
  };
  for (const [rel, text] of Object.entries(files)) await writeFile(join(app, rel), text);
  await writeFile(
    join(dir, 'pith.yaml'),
    `node:\n  version: "24"\n  from: ${src.dist}\n  keyring: [${src.keyFile}]\napp:\n  node: app\n`,
  );
  const pith = createPith({ cacheDir: join(dir, '.cache'), env: { npm_config_registry: src.registry } });
  const build = (out = 'out') =>
    pith.build({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, out)}` });
  return { dir, app, src, build };
}

async function layers(
  layout: string,
): Promise<{ digests: string[]; members: PyMember[][]; config: unknown }> {
  const [img] = await layoutImages(layout, 'latest').catch(async () => layoutImages(layout, ''));
  const digests = img!.manifest.layers.map((l) => l.digest);
  const members = await Promise.all(digests.map((d) => pythonList(blobPath(layout, d))));
  return { digests, members, config: img!.config };
}

const names = (m: PyMember[]) => m.map((x) => x.name.replace(/\/$/, ''));

test('runtime, production dependencies and app files in separate layers; dev and foreign optional left out', async (t) => {
  const { dir, build } = await project(t);
  const report = await build();
  assert.ok(
    report.warnings?.some((w) => /install scripts not run .*@pith\/tool@1\.0\.0/.test(w)),
    String(report.warnings),
  );
  const { members, config } = await layers(join(dir, 'out'));
  const [runtime, deps, app] = members.slice(-3) as [PyMember[], PyMember[], PyMember[]];
  assert.deepEqual(names(runtime), ['nodejs', 'nodejs/LICENSE', 'nodejs/bin', 'nodejs/bin/node']);
  assert.equal(runtime.find((m) => m.name === 'nodejs/bin/node')?.mode, 0o755);
  const dn = names(deps);
  for (const want of [
    'app/node_modules/ms/index.js',
    'app/node_modules/@pith/tool/bin/tool.js',
    'app/node_modules/@pith/tool/node_modules/ms/index.js',
  ])
    assert.ok(dn.includes(want), `${want} in ${dn.join(' ')}`);
  assert.ok(!dn.some((n) => n.includes('is-number')), 'the dev dependency is left out');
  assert.ok(!dn.some((n) => n.includes('mac-only')), 'the darwin-only optional package is left out');
  const bin = deps.find((m) => m.name === 'app/node_modules/.bin/tool');
  assert.equal(bin?.linkname, '../@pith/tool/bin/tool.js');
  assert.equal(deps.find((m) => m.name === 'app/node_modules/@pith/tool/bin/tool.js')?.mode, 0o755);
  assert.equal(deps.find((m) => m.name === 'app/node_modules/ms/index.js')?.mode, 0o644);
  assert.ok(deps.every((m) => m.uid === 0 && m.gid === 0 && m.mtime === 0));
  const an = names(app);
  for (const want of ['app/server.js', 'app/lib/x.js', 'app/package.json', 'app/package-lock.json'])
    assert.ok(an.includes(want), `${want} in ${an.join(' ')}`);
  for (const gone of ['app/NOTES.md', 'app/test', 'app/secret.txt', 'app/node_modules', 'app/pith.yaml'])
    assert.ok(!an.some((n) => n === gone || n.startsWith(`${gone}/`)), `${gone} left out`);
  const c = (config as { config: { Entrypoint: string[]; WorkingDir: string; Env: string[] } }).config;
  assert.deepEqual(c.Entrypoint, ['/nodejs/bin/node', '/app/server.js', '--port', '8080']);
  assert.equal(c.WorkingDir, '/app');
  assert.ok(c.Env.includes('NODE_ENV=production'));
});

test('editing one app file changes only the app layer; with every package cached, npm is not asked', async (t) => {
  const { dir, app, build } = await project(t);
  await build('one');
  await writeFile(join(app, 'lib', 'x.js'), 'module.exports = 2;\n');
  // no registry in the environment and no npm on PATH: the entry without `resolved` needs no URL when cached
  const env = { PATH: join(dir, 'no-npm-here') };
  const noNpm = createPith({ cacheDir: join(dir, '.cache'), env });
  await noNpm.build({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, 'two')}` });
  const a = (await layers(join(dir, 'one'))).digests;
  const b = (await layers(join(dir, 'two'))).digests;
  assert.equal(a.length, b.length);
  assert.deepEqual(a.slice(0, -1), b.slice(0, -1), 'runtime and dependency layers are byte-identical');
  assert.notEqual(a.at(-1), b.at(-1));
});

test('refused, nothing written: a package whose bytes do not match the lock', async (t) => {
  const { dir, src, build } = await project(t);
  const path = '/npm/ms/-/ms-2.1.3.tgz';
  const good = src.files.get(path)!;
  t.after(() => src.files.set(path, good));
  src.files.set(path, Buffer.concat([good, Buffer.from('x')]));
  await assert.rejects(build(), {
    code: 'INTEGRITY_MISMATCH',
    message: /ms@2\.1\.3 \(node_modules\/ms\): sha512 is/,
  });
  assert.ok(!(await readdir(dir)).includes('out'), 'nothing written');
});

test('refused, nothing written: a Node.js release tarball whose sha256 is not the signed SHASUMS256 line', async (t) => {
  const { dir, src, build } = await project(t);
  const path = '/dist/v24.10.2/node-v24.10.2-linux-x64.tar.gz';
  const good = src.files.get(path)!;
  t.after(() => src.files.set(path, good));
  src.files.set(path, Buffer.concat([good, Buffer.from('x')]));
  await assert.rejects(build(), {
    code: 'INTEGRITY_MISMATCH',
    message: /Node\.js 24\.10\.2 for amd64 .*: sha256 is/,
  });
  assert.ok(!(await readdir(dir)).includes('out'), 'nothing written');
});

test('refused: a native addon for another architecture; prebuilds for other platforms are not loaded', async (t) => {
  const { pkgs } = await shared;
  const { dir, build } = await project(t, { 'node_modules/addon': lockEntry(pkgs.addon, '1.0.0') });
  // the amd64 image would load prebuilds/linux-x64: the darwin and linux-arm64 files are someone else's
  await build();
  const { dir: d2, src } = await project(t);
  const [bad] = await src.publish([
    { name: 'bad-addon', version: '1.0.0', files: { 'build/Release/b.node': elfHeader(183) } },
  ]);
  await writeFile(
    join(d2, 'app', 'package-lock.json'),
    JSON.stringify(packageLock(pkgs, { 'node_modules/bad-addon': lockEntry(bad as P, '1.0.0') })),
  );
  const pith = createPith({ cacheDir: join(d2, '.cache'), env: { npm_config_registry: src.registry } });
  await assert.rejects(
    pith.build({ config: join(d2, 'pith.yaml'), output: `oci:${join(d2, 'out')}`, archs: ['amd64'] }),
    {
      code: 'NATIVE_ADDON_MISMATCH',
      message:
        /app\/node_modules\/bad-addon\/build\/Release\/b\.node \(a native addon\) is an ELF shared object .* for AArch64 .* but the image is amd64/,
    },
  );
  assert.ok(!(await readdir(d2)).includes('out'));
  assert.ok(dir);
});

test('refused: no package-lock.json, a git dependency, lockfileVersion 1, a missing start file', async (t) => {
  const { app, build } = await project(t);
  const lock = join(app, 'package-lock.json');
  await writeFile(lock, JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
  await assert.rejects(build(), { code: 'NPM_LOCK_INVALID', message: /lockfileVersion 1 is not read/ });
  await writeFile(
    lock,
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/g': { version: '1.0.0', resolved: 'git+ssh://git@example.invalid/g.git#abc' },
      },
    }),
  );
  await assert.rejects(build(), {
    code: 'NPM_DEPENDENCY_UNSUPPORTED',
    message: /packages\["node_modules\/g"\] \(g\) is resolved from git\+ssh:.*only registry tarballs/,
  });
  await writeFile(lock, JSON.stringify({ lockfileVersion: 3, packages: { '': {} } }));
  await writeFile(join(app, '.dockerignore'), 'server.js\n');
  await assert.rejects(build(), {
    code: 'ENTRYPOINT_MISSING',
    message: /package\.json names \/app\/server\.js, which is not among the app's files/,
  });
  const { rm } = await import('node:fs/promises');
  await rm(lock);
  await assert.rejects(build(), {
    code: 'NPM_LOCK_MISSING',
    message: /has no package-lock\.json; run npm install/,
  });
});
