// The layer cache through the API (issue 13, point 2): layers are counted by the build's `layer` events. A
// warm rebuild compresses nothing and gives the same digest; changing one app file compresses exactly its
// layer; a corrupted cached blob is found (read and hashed again), compressed again and replaced; two
// builds racing on one empty cache both succeed with the same digest; `layerCache: false` compresses all.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPith, type PithConfigInput, type PithEvent } from '../../src/api/index.ts';
import type { FakeRepo } from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';
import { startAppRepo } from './app-repo.ts';

let repo: FakeRepo;

before(async () => {
  repo = await startAppRepo();
});
after(() => repo.close());

type LayerEvent = Extract<PithEvent, { type: 'layer' }>;

async function setup(t: Parameters<typeof tempDir>[0]) {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'fake.asc'), repo.publicKey);
  await writeFile(join(dir, 'server.js'), 'console.log("v1")\n');
  await writeFile(join(dir, 'config.json'), '{"port": 8080}\n');
  const config: PithConfigInput = {
    archs: ['amd64'],
    mirror: { archive: repo.url, security: repo.securityUrl },
    keyring: ['fake.asc'],
    packages: ['app'],
    files: [
      { src: 'server.js', dst: '/app/server.js' },
      { src: 'config.json', dst: '/etc/app/config.json' },
    ],
  };
  const cacheDir = join(dir, 'cache');
  const pith = createPith({ cacheDir, env: {} });
  let n = 0;
  const build = async (opts: { layerCache?: boolean } = {}) => {
    const layers: LayerEvent[] = [];
    const report = await pith.build(
      { config, baseDir: dir, output: `oci:${join(dir, `out-${n++}`)}`, sbom: false, ...opts },
      { onEvent: (e) => (e.type === 'layer' ? layers.push(e) : undefined) },
    );
    return { digest: report.digest, layers, built: layers.filter((l) => l.how === 'built') };
  };
  return { dir, cacheDir, build };
}

describe('layer cache', () => {
  it('a warm rebuild compresses no layer and gives the same digest; one changed file compresses one layer', async (t) => {
    const { dir, build } = await setup(t);
    const cold = await build();
    // app, libfoo, the accounts layer, the files layer
    assert.equal(cold.layers.length, 4);
    assert.equal(cold.built.length, 4, 'an empty cache compresses every layer');
    const warm = await build();
    assert.equal(warm.digest, cold.digest);
    assert.deepEqual(warm.built, [], 'nothing compressed again');
    assert.deepEqual(
      warm.layers.map((l) => [l.digest, l.diffId]),
      cold.layers.map((l) => [l.digest, l.diffId]),
    );
    await writeFile(join(dir, 'server.js'), 'console.log("v2")\n');
    const changed = await build();
    assert.notEqual(changed.digest, cold.digest);
    assert.equal(changed.built.length, 1, 'only the files layer is compressed');
    assert.match(changed.built[0]!.item ?? '', /files/);
    // and the image's other layers are the cached blobs, unchanged
    assert.deepEqual(
      changed.layers.filter((l) => l.how === 'cached').map((l) => l.digest),
      cold.layers.filter((l) => !/files/.test(l.item ?? '')).map((l) => l.digest),
    );
  });

  it('a corrupted cached blob is detected, compressed again and replaced', async (t) => {
    const { cacheDir, build } = await setup(t);
    const cold = await build();
    const victim = cold.layers.find((l) => /debian app/.test(l.item ?? ''))!;
    const path = join(cacheDir, 'sha256', victim.digest.slice('sha256:'.length));
    const bytes = await readFile(path);
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(path, bytes);
    const again = await build();
    assert.equal(again.digest, cold.digest, 'the image is the same');
    assert.deepEqual(
      again.built.map((l) => l.digest),
      [victim.digest],
      'exactly the corrupted layer is compressed again',
    );
    // the entry was replaced by good bytes: the next build takes it from the cache
    const third = await build();
    assert.deepEqual(third.built, []);
    // a truncated blob is a miss too
    await writeFile(path, bytes.subarray(0, 10));
    assert.deepEqual(
      (await build()).built.map((l) => l.digest),
      [victim.digest],
    );
  });

  it('two builds racing on one empty cache both succeed, with the same digest, leaving no temporaries', async (t) => {
    const { cacheDir, build } = await setup(t);
    const [a, b] = await Promise.all([build(), build()]);
    assert.equal(a.digest, b.digest);
    const names = await readdir(cacheDir, { recursive: true });
    assert.deepEqual(
      names.filter((n) => /\.tmp$/.test(n)),
      [],
    );
    assert.deepEqual((await build()).built, []);
  });

  it('layerCache: false compresses every layer, and gives the same digest', async (t) => {
    const { build } = await setup(t);
    const cached = await build();
    const fresh = await build({ layerCache: false });
    assert.equal(fresh.digest, cached.digest);
    assert.deepEqual(fresh.layers, [], 'no layer events: nothing goes through the cache');
  });
});
