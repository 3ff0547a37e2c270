// A cache the fleet shares (issue 13, point 3): two "runners" with separate, empty local caches share one
// real registry (Debian's docker-registry on 127.0.0.1) as --cache-repo. The first builds `base` --locked
// from the real Debian mirror, storing its .deb files and compressed layers in the registry; the second,
// whose mirror is a dead address, builds from the registry alone — every layer pulled, none compressed, no
// .deb downloaded — and gets the same digest. Needs the mirror (the first runner) and docker-registry.
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createPith, type PithEvent } from '../../src/api/index.ts';
import { closedPort, tempDir } from '../helpers.ts';
import { type RegistryServer, startRegistry } from '../interop/registry-server.ts';

let registry: RegistryServer;
before(async () => {
  registry = await startRegistry();
});
after(() => registry.stop());

type LayerEvent = Extract<PithEvent, { type: 'layer' }>;

test('a second runner builds base from the cache repository alone, with the same digest', async (t) => {
  const cacheRepo = `docker://${registry.host}/fleet/cache`;
  const one = await tempDir(t);
  await writeFile(join(one, 'pith.yaml'), 'preset: base\narchs: [amd64]\n');
  const runner1 = createPith({ cacheDir: join(one, 'cache'), env: {} });
  await runner1.lock({ config: join(one, 'pith.yaml') });
  const layers1: LayerEvent[] = [];
  const warnings1: string[] = [];
  const first = await runner1.build(
    { config: join(one, 'pith.yaml'), locked: true, cacheRepo, output: `oci:${join(one, 'out')}` },
    {
      onEvent: (e) => {
        if (e.type === 'layer') layers1.push(e);
        if (e.type === 'warning') warnings1.push(e.message);
      },
    },
  );
  assert.deepEqual(warnings1, [], 'every .deb and layer reached the cache repository');
  assert.ok(layers1.length >= 10, `${layers1.length} layers`);
  assert.ok(
    layers1.every((l) => l.how === 'built'),
    'the first runner compresses everything',
  );

  // the second runner: another directory and cache, the same lock, and a mirror nobody answers at (refused
  // at once: no short network timeout, which a loaded registry could trip)
  const two = await tempDir(t);
  const dead = `http://127.0.0.1:${await closedPort()}/debian`;
  await writeFile(
    join(two, 'pith.yaml'),
    `preset: base\narchs: [amd64]\nmirror:\n  archive: ${dead}\n  security: ${dead}-security\n`,
  );
  await copyFile(join(one, 'pith.lock.json'), join(two, 'pith.lock.json'));
  const runner2 = createPith({ cacheDir: join(two, 'cache'), env: {} });
  const layers2: LayerEvent[] = [];
  const packages: Extract<PithEvent, { type: 'package' }>[] = [];
  const warnings: string[] = [];
  const second = await runner2
    .build(
      { config: join(two, 'pith.yaml'), locked: true, cacheRepo, output: `oci:${join(two, 'out')}` },
      {
        onEvent: (e) => {
          if (e.type === 'layer') layers2.push(e);
          if (e.type === 'package') packages.push(e);
          if (e.type === 'warning') warnings.push(e.message);
        },
      },
    )
    .catch((err: Error) => {
      // the warnings say why the cache repository did not serve what the dead mirror was asked for
      throw new Error(`${err.message}\nwarnings: ${warnings.join('\n')}`, { cause: err });
    });
  assert.equal(second.digest, first.digest, 'the same image');
  assert.deepEqual(
    layers2.map((l) => [l.how, l.digest]),
    layers1.map((l) => ['pulled', l.digest]),
    'every layer pulled, none compressed',
  );
  assert.equal(packages.length, second.debian![0]!.packages.length, 'every .deb came from somewhere');
  assert.deepEqual(warnings, []);
});
