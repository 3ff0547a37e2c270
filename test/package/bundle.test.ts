// The bundled command line (scripts/bundle.ts), which bin/pith.js runs once `npm ci` has made it: the same
// commands give the same output as the TypeScript sources. A build from the signed fake Debian repository
// (openpgp, the layer cache, lazily imported build code), its inventory (another lazy chunk), the presets
// (read beside the package through import.meta.dirname) and a user mistake's error are compared between
// the two. The bundle is written to a folder of its own under dist/, so the one `npm ci` made is untouched.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundle } from '../../scripts/bundle.ts';
import type { FakeRepo } from '../../src/testing/index.ts';
import { startAppRepo } from '../api/app-repo.ts';
import { pith, ROOT, type RunResult, run, tempDir } from '../helpers.ts';

let dir: string;
let repo: FakeRepo;

before(async () => {
  dir = await mkdtemp(join(ROOT, 'dist', 'bundle-test-'));
  await bundle(dir);
  await writeFile(
    join(dir, 'entry.mjs'),
    "const { run } = await import('./cli.js');\nprocess.exitCode = await run(process.argv.slice(2));\n",
  );
  repo = await startAppRepo();
});

after(async () => {
  await repo?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `pith ARGS…` from the bundle, as bin/pith.js runs it. */
function bundled(args: string[], cwd: string): Promise<RunResult> {
  return run(process.execPath, [join(dir, 'entry.mjs'), ...args], {
    cwd,
    env: { ...process.env, CI: 'true' },
  });
}

describe('the bundled CLI', { timeout: 120_000 }, () => {
  it('prints the same version, presets and user error as the sources', async (t) => {
    const cwd = await tempDir(t);
    for (const args of [['--version'], ['presets', '--json'], ['build', 'missing.yaml', '--json']]) {
      const [a, b] = await Promise.all([bundled(args, cwd), pith(args, { cwd })]);
      assert.deepEqual(a, b, `pith ${args.join(' ')}`);
    }
  });

  it('builds the same image from the signed fake repository, and inventories it the same', async (t) => {
    const cwd = await tempDir(t);
    await writeFile(join(cwd, 'fake.asc'), repo.publicKey);
    await writeFile(join(cwd, 'app.conf'), 'port=8080\n');
    await writeFile(
      join(cwd, 'pith.yaml'),
      `archs: [amd64]\nmirror: {archive: '${repo.url}', security: '${repo.securityUrl}'}\nkeyring: [fake.asc]\n` +
        'packages: [app]\nfiles:\n  - {src: app.conf, dst: /etc/app.conf}\n',
    );
    const build = (how: typeof bundled, name: string) =>
      how(
        [
          'build',
          'pith.yaml',
          '--cache-dir',
          join(cwd, `cache-${name}`),
          '--output',
          `oci:${name}`,
          '--json',
        ],
        cwd,
      );
    const [a, b] = await Promise.all([build(bundled, 'a'), build((args, c) => pith(args, { cwd: c }), 'b')]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const digest = (r: RunResult) =>
      (JSON.parse(r.stdout) as { images: { digest: string }[] }).images[0]!.digest;
    assert.match(digest(a), /^sha256:[0-9a-f]{64}$/);
    assert.equal(digest(a), digest(b));
    const [ia, ib] = await Promise.all([
      bundled(['inventory', 'oci:a', '--json'], cwd),
      pith(['inventory', 'oci:b', '--json'], { cwd }),
    ]);
    assert.equal(ia.code, 0, ia.stderr);
    assert.ok(ia.stdout.includes('"libfoo"'), ia.stdout.slice(0, 400));
    assert.equal(ia.stdout.replaceAll('oci:a', 'oci:b'), ib.stdout);
  });
});
