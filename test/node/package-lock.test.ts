// package-lock.json's production install as `npm ci --omit=dev --ignore-scripts` chooses it (each case
// reproduced with npm 11 in review): the root's own bundleDependencies installed, a parent's bundled ones
// left to its tarball; what only a skipped optional package needs dropped with it; a dev-only link (and its
// key outside the project) ignored; cpu matched by process.arch names; bins normalised as npm does; and the
// command from package.json's start script, flags included, or none rather than a guess.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appCommand, plainNodeCommand, productionPackages } from '../../src/node/index.ts';

const pkg = (version: string, extra: Record<string, unknown> = {}) => ({
  version,
  resolved: `https://registry.example/x/-/x-${version}.tgz`,
  integrity: `sha512-${'A'.repeat(86)}==`,
  ...extra,
});
const lock = (packages: Record<string, unknown>) =>
  JSON.stringify({ lockfileVersion: 3, packages: { '': {}, ...packages } });
const X64 = { os: 'linux', cpu: 'x64', libc: 'glibc' };
const paths = (text: string, target = X64) =>
  productionPackages(text, 'package-lock.json', target).install.map((p) => p.path);

test("the root's bundleDependencies are installed; a parent's bundled packages come in its tarball", () => {
  const text = lock({
    'node_modules/is-number': pkg('7.0.0', { inBundle: true }),
    'node_modules/parent': pkg('1.0.0', { bundleDependencies: ['child'] }),
    'node_modules/parent/node_modules/child': pkg('1.0.0', { inBundle: true }),
  });
  assert.deepEqual(paths(text), ['node_modules/is-number', 'node_modules/parent']);
});

test('what only a skipped optional package needs is dropped with it; shared dependencies stay', () => {
  const text = lock({
    '': { dependencies: { app: '1' }, optionalDependencies: { fsevents: '1' } },
    'node_modules/app': pkg('1.0.0', { dependencies: { shared: '1' } }),
    'node_modules/fsevents': pkg('1.2.13', {
      optional: true,
      os: ['darwin'],
      dependencies: { bindings: '1', shared: '1', nan: '2' },
    }),
    'node_modules/bindings': pkg('1.5.0', { optional: true, dependencies: { 'file-uri-to-path': '1' } }),
    'node_modules/file-uri-to-path': pkg('1.0.0', { optional: true }),
    'node_modules/nan': pkg('2.0.0', { optional: true }),
    'node_modules/shared': pkg('1.0.0'),
  });
  const plan = productionPackages(text, 'package-lock.json', X64);
  assert.deepEqual(
    plan.install.map((p) => p.path),
    ['node_modules/app', 'node_modules/shared'],
  );
  assert.deepEqual(plan.skipped.map((s) => s.path).sort(), [
    'node_modules/bindings',
    'node_modules/file-uri-to-path',
    'node_modules/fsevents',
    'node_modules/nan',
  ]);
});

test('a dev-only file: link outside the project is ignored, as npm ci --omit=dev does', () => {
  const text = lock({
    '../shared': { version: '1.0.0', dev: true },
    'node_modules/shared': { resolved: '../shared', link: true },
    'node_modules/ms': pkg('2.1.3'),
  });
  assert.deepEqual(paths(text), ['node_modules/ms']);
  const prod = lock({
    '../shared': { version: '1.0.0' },
    'node_modules/shared': { resolved: '../shared', link: true },
  });
  assert.throws(() => paths(prod), {
    code: 'NPM_DEPENDENCY_UNSUPPORTED',
    message: /is a link to a local directory/,
  });
});

test('cpu is matched by process.arch names: @esbuild/linux-arm on armhf, not armv7l', () => {
  const text = lock({
    'node_modules/@esbuild/linux-arm': pkg('0.25.0', { optional: true, os: ['linux'], cpu: ['arm'] }),
    'node_modules/@esbuild/linux-x64': pkg('0.25.0', { optional: true, os: ['linux'], cpu: ['x64'] }),
  });
  assert.deepEqual(paths(text, { os: 'linux', cpu: 'arm', libc: 'glibc' }), [
    'node_modules/@esbuild/linux-arm',
  ]);
  assert.deepEqual(paths(text), ['node_modules/@esbuild/linux-x64']);
});

test('bins are normalised as npm does: the last part of a name, the target kept inside the package', () => {
  const text = lock({
    'node_modules/@x/tool': pkg('1.0.0', { bin: { '@x/tool': '../../etc/passwd', t2: './bin/t.js' } }),
  });
  const [p] = productionPackages(text, 'package-lock.json', X64).install;
  assert.deepEqual(p?.bin, { tool: 'etc/passwd', t2: 'bin/t.js' });
});

test('the command: a start script with --flags, main, a single bin; no guess for another start script', () => {
  const has = () => false;
  assert.deepEqual(
    appCommand(
      { scripts: { start: 'node --enable-source-maps dist/server.js --port=1' }, main: 'index.js' },
      '/app',
      has,
    ),
    ['--enable-source-maps', '/app/dist/server.js', '--port=1'],
  );
  assert.equal(
    appCommand({ scripts: { start: 'node -r ts-node/register src/x.ts' }, main: 'index.js' }, '/app', has),
    undefined,
  );
  assert.equal(
    appCommand({ scripts: { start: 'npm run build && node x.js' }, main: 'index.js' }, '/app', has),
    undefined,
  );
  assert.deepEqual(appCommand({ main: 'lib/index.js' }, '/srv', has), ['/srv/lib/index.js']);
  assert.deepEqual(appCommand({ bin: { cli: 'bin/cli.js' } }, '/app', has), ['/app/bin/cli.js']);
  assert.deepEqual(
    appCommand({}, '/app', (f) => f === 'server.js'),
    ['/app/server.js'],
  );
  assert.equal(plainNodeCommand('node'), undefined);
});
