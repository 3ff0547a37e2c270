// Issue 4, point 3: a config FROM a pith image pushed to a registry (the in-memory one on 127.0.0.1) puts
// the base's layers first, inherits its config, names it in base.name/base.digest, records the base digest
// in the lock; a --locked rebuild is identical even after the base tag moves.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type MemoryRegistry, startMemoryRegistry } from '../../src/testing/index.ts';
import { pith, tempDir } from '../helpers.ts';

let reg: MemoryRegistry;
before(async () => {
  reg = await startMemoryRegistry({});
});
after(() => reg.close());

interface Report {
  digest: string;
  base?: { name: string; digest: string };
  images: {
    digest: string;
    platform: string;
    user: string;
    entrypoint: string[];
    annotations: Record<string, string>;
    layers: { digest: string }[];
  }[];
}

test('FROM a pushed pith image: layers, config, annotations, lock, --locked rebuild', async (t) => {
  const dir = await tempDir(t);
  const baseRef = `${reg.host}/pith/base:1`;
  const pushed = await pith([
    'build',
    'examples/hello/pith.yaml',
    '--output',
    `docker://${baseRef}`,
    '--json',
  ]);
  assert.equal(pushed.code, 0, pushed.stderr);
  const base = JSON.parse(pushed.stdout) as Report;
  await writeFile(join(dir, 'motd.txt'), 'built on a pith base\n');
  await writeFile(
    join(dir, 'pith.yaml'),
    `from: ${baseRef}\narchs: [amd64, arm64]\nfiles:\n  - src: motd.txt\n    dst: /etc/motd\n`,
  );
  const built = await pith(['build', join(dir, 'pith.yaml'), '--output', `oci:${dir}/app:1`, '--json']);
  assert.equal(built.code, 0, built.stderr);
  const app = JSON.parse(built.stdout) as Report;
  assert.deepEqual(app.base, { name: baseRef, digest: base.digest });
  for (const [i, img] of app.images.entries()) {
    const b = base.images[i]!;
    assert.equal(img.platform, b.platform);
    assert.deepEqual(img.layers.slice(0, b.layers.length), b.layers, 'the base layers come first, unchanged');
    assert.equal(img.layers.length, b.layers.length + 1, 'plus the files layer (no second accounts layer)');
    assert.deepEqual(img.entrypoint, ['/usr/bin/hello'], 'the base entrypoint is inherited');
    assert.equal(img.user, '65532');
    assert.equal(img.annotations['org.opencontainers.image.base.name'], baseRef);
    assert.equal(
      img.annotations['org.opencontainers.image.base.digest'],
      b.digest,
      'base.digest is the platform manifest',
    );
  }
  assert.equal((await pith(['validate', `oci:${dir}/app:1`])).code, 0);

  const locked = await pith(['lock', join(dir, 'pith.yaml'), '--json']);
  assert.equal(locked.code, 0, locked.stderr);
  const lockFile = JSON.parse(await readFile(join(dir, 'pith.lock.json'), 'utf8')) as {
    base: { name: string; digest: string };
  };
  assert.deepEqual(lockFile.base, { name: baseRef, digest: base.digest });

  // move the base tag to another image: a plain build follows it, a --locked build does not
  const moved = await pith(
    ['build', 'examples/hello/pith.yaml', '--output', `docker://${baseRef}`, '--json'],
    { env: { SOURCE_DATE_EPOCH: '86400' } },
  );
  assert.equal(moved.code, 0, moved.stderr);
  assert.notEqual((JSON.parse(moved.stdout) as Report).digest, base.digest);
  const relocked = await pith([
    'build',
    join(dir, 'pith.yaml'),
    '--output',
    `oci:${dir}/again:1`,
    '--locked',
    '--json',
  ]);
  assert.equal(relocked.code, 0, relocked.stderr);
  assert.equal((JSON.parse(relocked.stdout) as Report).digest, app.digest, 'a --locked rebuild is identical');
  const unlocked = await pith(['build', join(dir, 'pith.yaml'), '--output', `oci:${dir}/new:1`, '--json']);
  assert.notEqual((JSON.parse(unlocked.stdout) as Report).digest, app.digest);
});

test('a base without the wanted platform, or missing, is a clear error at the from: field', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'pith.yaml'), `from: ${reg.host}/pith/nothing:here\n`);
  const r = await pith(['build', join(dir, 'pith.yaml'), '--output', `oci:${dir}/x`]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /pith\.yaml:1:7: from: .*nothing/);
  const s390 = join(dir, 's390.yaml');
  await writeFile(s390, `from: ${reg.host}/pith/base:1\narchs: [s390x]\n`);
  const p = await pith(['build', 'examples/hello/pith.yaml', '--output', `docker://${reg.host}/pith/base:1`]);
  assert.equal(p.code, 0);
  const r2 = await pith(['build', s390, '--output', `oci:${dir}/y`]);
  assert.equal(r2.code, 3, r2.stderr);
  assert.match(r2.stderr, /has no image for linux\/s390x \(platforms: linux\/amd64, linux\/arm64\/v8\)/);
});

test('build --output docker:// shows the bytes of a large layer as it is pushed, and of a base as it is pulled', async (t) => {
  const dir = await tempDir(t);
  const { randomBytes } = await import('node:crypto');
  await writeFile(join(dir, 'big.bin'), randomBytes(3 << 20));
  await writeFile(join(dir, 'pith.yaml'), 'files:\n  - src: big.bin\n    dst: /big.bin\n');
  const ref = `${reg.host}/pith/big:1`;
  const pushed = await pith(['build', 'pith.yaml', '--output', `docker://${ref}`, '--json'], { cwd: dir });
  assert.equal(pushed.code, 0, pushed.stderr);
  const layer = (JSON.parse(pushed.stdout) as Report).images[0]!.layers.at(-1)!.digest;
  assert.match(pushed.stderr, new RegExp(`${layer.slice(0, 19)}… 3\\.0 MiB of 3\\.0 MiB \\(100%\\)`));
  await writeFile(join(dir, 'top.yaml'), `from: ${ref}\nlabels: {a: b}\n`);
  const pulled = await pith(['build', 'top.yaml', '--output', 'oci:out'], { cwd: dir });
  assert.equal(pulled.code, 0, pulled.stderr);
  assert.match(
    pulled.stderr,
    new RegExp(`${layer.slice(0, 19)}… .* of 3\\.0 MiB \\(100%\\)`),
    'base layer pulled',
  );
});
