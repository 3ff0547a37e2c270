// Issue 4, point 3: a config FROM a pith image pushed to a registry (the in-memory one on 127.0.0.1) puts
// the base's layers first, inherits its config, names it in base.name/base.digest, records the base digest
// in the lock; a --locked rebuild is identical even after the base tag moves; pushing and pulling report the
// bytes of large blobs as progress events. Builds, locks and validation call the library API in process.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type BuildReport, createPith, type PithEvent } from '../../src/api/index.ts';
import { type MemoryRegistry, startMemoryRegistry } from '../../src/testing/index.ts';
import { ROOT, tempDir } from '../helpers.ts';
import { assertRefused } from './files-helpers.ts';

const HELLO = join(ROOT, 'examples/hello/pith.yaml');

let reg: MemoryRegistry;
before(async () => {
  reg = await startMemoryRegistry({});
});
after(() => reg.close());

/** A pith instance that ignores the environment and the keychain, with its cache in `dir`. */
function pithIn(dir: string, onEvent?: (e: PithEvent) => void) {
  return createPith({
    cacheDir: join(dir, 'cache'),
    env: {},
    registries: { keychain: false },
    ...(onEvent ? { onEvent } : {}),
  });
}

test('FROM a pushed pith image: layers, config, annotations, lock, --locked rebuild', async (t) => {
  const dir = await tempDir(t);
  const pith = pithIn(dir);
  const baseRef = `${reg.host}/pith/base:1`;
  const base = await pith.build({ config: HELLO, output: `docker://${baseRef}` });
  await writeFile(join(dir, 'motd.txt'), 'built on a pith base\n');
  const config = join(dir, 'pith.yaml');
  await writeFile(
    config,
    `from: ${baseRef}\narchs: [amd64, arm64]\nfiles:\n  - src: motd.txt\n    dst: /etc/motd\n`,
  );
  const app = await pith.build({ config, output: `oci:${dir}/app:1` });
  assert.deepEqual(app.base, { name: baseRef, digest: base.digest });
  for (const [i, img] of app.images.entries()) {
    const b = base.images[i]!;
    assert.equal(img.platform, b.platform);
    assert.deepEqual(img.layers.slice(0, b.layers.length), b.layers, 'the base layers come first, unchanged');
    assert.equal(img.layers.length, b.layers.length + 1, 'plus the files layer (no second accounts layer)');
    assert.deepEqual(img.entrypoint, ['/usr/bin/hello'], 'the base entrypoint is inherited');
    assert.equal(img.user, '65532');
    assert.equal(img.annotations?.['org.opencontainers.image.base.name'], baseRef);
    assert.equal(
      img.annotations?.['org.opencontainers.image.base.digest'],
      b.digest,
      'base.digest is the platform manifest',
    );
  }
  const valid = await pith.validate(`oci:${dir}/app:1`);
  assert.ok(valid.valid, JSON.stringify(valid.problems));

  const locked = await pith.lock({ config });
  assert.equal(locked.file, join(dir, 'pith.lock.json'));
  const lockFile = JSON.parse(await readFile(join(dir, 'pith.lock.json'), 'utf8')) as {
    base: { name: string; digest: string };
  };
  assert.deepEqual(lockFile.base, { name: baseRef, digest: base.digest });
  assert.deepEqual(locked.lock.base, lockFile.base);

  // move the base tag to another image: a plain build follows it, a --locked build does not
  const moved = await pith.build({ config: HELLO, output: `docker://${baseRef}`, epoch: 86400 });
  assert.notEqual(moved.digest, base.digest);
  const relocked = await pith.build({ config, output: `oci:${dir}/again:1`, locked: true });
  assert.equal(relocked.digest, app.digest, 'a --locked rebuild is identical');
  const unlocked = await pith.build({ config, output: `oci:${dir}/new:1` });
  assert.notEqual(unlocked.digest, app.digest);
});

test('a base without the wanted platform, or missing, is a clear error at the from: field', async (t) => {
  const dir = await tempDir(t);
  const pith = pithIn(dir);
  await writeFile(join(dir, 'pith.yaml'), `from: ${reg.host}/pith/nothing:here\n`);
  await assertRefused(
    pith.build({ config: join(dir, 'pith.yaml'), output: `oci:${dir}/x` }),
    'input',
    new RegExp(`^${dir}/pith\\.yaml:1:7: from: .*nothing`),
  );
  const s390 = join(dir, 's390.yaml');
  await writeFile(s390, `from: ${reg.host}/pith/base:1\narchs: [s390x]\n`);
  await pith.build({ config: HELLO, output: `docker://${reg.host}/pith/base:1` });
  await assertRefused(
    pith.build({ config: s390, output: `oci:${dir}/y` }),
    'input',
    /has no image for linux\/s390x \(platforms: linux\/amd64, linux\/arm64\/v8\)/,
  );
});

test('build --output docker:// reports the bytes of a large layer as it is pushed, and of a base as it is pulled', async (t) => {
  const dir = await tempDir(t);
  const events: PithEvent[] = [];
  const pith = pithIn(dir, (e) => events.push(e));
  const { randomBytes } = await import('node:crypto');
  await writeFile(join(dir, 'big.bin'), randomBytes(3 << 20));
  await writeFile(join(dir, 'pith.yaml'), 'files:\n  - src: big.bin\n    dst: /big.bin\n');
  const ref = `${reg.host}/pith/big:1`;
  const pushed: BuildReport = await pith.build({ config: join(dir, 'pith.yaml'), output: `docker://${ref}` });
  const layer = pushed.images[0]!.layers.at(-1)!;
  // what the CLI renders as "sha256:…… 3.0 MiB of 3.0 MiB (100%)" (test/cli/network-faults.test.ts)
  const bytesOf = (phase: 'push' | 'pull') =>
    events.filter((e) => e.type === 'bytes' && e.phase === phase && e.item === layer.digest);
  assert.ok(layer.size >= 3 << 20, 'random bytes do not compress');
  assert.deepEqual(
    bytesOf('push').at(-1),
    { type: 'bytes', phase: 'push', item: layer.digest, done: layer.size, total: layer.size },
    'layer pushed',
  );
  await writeFile(join(dir, 'top.yaml'), `from: ${ref}\nlabels: {a: b}\n`);
  events.length = 0;
  await pith.build({ config: join(dir, 'top.yaml'), output: `oci:${join(dir, 'out')}` });
  const pulled = bytesOf('pull').at(-1);
  assert.ok(pulled?.type === 'bytes', 'base layer pulled');
  assert.equal(pulled.total, layer.size);
  assert.equal(pulled.done, layer.size);
});
