// The layer cache through the API (issue 13, point 2): layers are counted by the build's `layer` events. A
// warm rebuild compresses nothing and gives the same digest; changing one app file compresses exactly its
// layer; a corrupted cached blob is found (read and hashed again), compressed again and replaced; two
// builds racing on one empty cache both succeed with the same digest; `layerCache: false` compresses all.
// Unit by unit: a tar that changes while compressed leaves no record; a layer in a slot the cache never
// made one for is read once (hashed while compressed), then hashed first and found, to the same blob; a remote record of another media type,
// too large, or unpacking to another tar is refused; an unwritable cache directory is one warning.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPith, isPithError, type PithConfigInput, type PithEvent } from '../../src/api/index.ts';
import { gzip } from '../../src/compress/index.ts';
import { LayerStore } from '../../src/layer/index.ts';
import { memoryBlob } from '../../src/oci/index.ts';
import type { FakeRepo } from '../../src/testing/index.ts';
import { ContentCache, sha256 } from '../../src/util/index.ts';
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

describe('layer store, unit by unit', () => {
  const gzipType = 'application/vnd.oci.image.layer.v1.tar+gzip';
  const tarOf = async (text: string) => {
    const { writeTar, bytesEntry } = await import('../../src/tar/index.ts');
    const chunks: Buffer[] = [];
    for await (const c of writeTar([bytesEntry('a.txt', Buffer.from(text))], { clampMtime: 0 }))
      chunks.push(c);
    return Buffer.concat(chunks);
  };

  it('a tar that changes while it is compressed fails with LAYER_CHANGED and leaves no record', async (t) => {
    const store = new LayerStore(new ContentCache(await tempDir(t)));
    const tar = await tarOf('one');
    const diffId = sha256(tar);
    const key = LayerStore.key(diffId, 'gzip', undefined);
    await assert.rejects(
      store.keep(key, diffId, gzipType, gzip(one(tar)), () => sha256(Buffer.from('another tar'))),
      (err: unknown) => isPithError(err) && err.code === 'LAYER_CHANGED' && err.kind === 'input',
    );
    assert.equal(await store.find(key, diffId, gzipType), undefined);
  });

  it('refuses a remote record of another media type, one too large, or one that unpacks to another tar', async (t) => {
    const tar = await tarOf('the real layer');
    const diffId = sha256(tar);
    const key = LayerStore.key(diffId, 'gzip', undefined);
    const good = Buffer.concat(await collect(gzip(one(tar))));
    const other = Buffer.concat(await collect(gzip(one(await tarOf('something else')))));
    const cases: [string, Buffer, string, number | undefined, RegExp][] = [
      ['media type', good, 'application/vnd.oci.image.layer.v1.tar+zstd', undefined, /names a .*zstd blob/],
      ['size', good, gzipType, 1 << 30, /more than a \d+-byte tar compresses to/],
      ['content', other, gzipType, undefined, /unpacks to sha256:\w+, not/],
    ];
    for (const [what, bytes, mediaType, size, why] of cases) {
      const warnings: string[] = [];
      const descriptor = { mediaType, digest: sha256(bytes), size: size ?? bytes.length };
      const remote = {
        name: 'docker://remote.invalid/cache',
        findLayer: async () => ({ diffId, blob: memoryBlob(descriptor, bytes) }),
        keepLayer: async () => {},
      };
      const store = new LayerStore(
        new ContentCache(await tempDir(t)),
        (e) => (e.type === 'warning' ? warnings.push(e.message) : undefined),
        remote,
      );
      assert.equal(await store.pull(key, diffId, 'gzip', gzipType, tar.length), undefined, what);
      assert.match(warnings.join('\n'), why, what);
      assert.equal(await store.find(key, diffId, gzipType), undefined, `${what}: nothing recorded`);
    }
  });

  it('a layer recorded for its inputs is found without reading its files; a lost blob or record is made again', async (t) => {
    const { layerFromEntries } = await import('../../src/layer/index.ts');
    const cache = new ContentCache(await tempDir(t));
    const events: LayerEvent[] = [];
    const store = new LayerStore(cache, (e) => (e.type === 'layer' ? events.push(e) : undefined));
    const counted = await countedEntry('a.txt', 'the package');
    const layer = async (inputs: string, epoch = 100) => {
      counted.reads = 0;
      const built = await layerFromEntries([counted], { epoch, store, inputs });
      return {
        diffId: built.diffId,
        digest: built.blob.descriptor.digest,
        how: events.at(-1)!.how,
        reads: counted.reads,
      };
    };
    const cold = await layer('pkg.deb sha256:1');
    assert.deepEqual([cold.how, cold.reads > 0], ['built', true]);
    const warm = await layer('pkg.deb sha256:1');
    assert.deepEqual(warm, { ...cold, how: 'cached', reads: 0 }, 'found by its inputs: no tar written');
    // other inputs, or another epoch, are another key: the tar is written and found by its diff_id
    assert.deepEqual(await layer('pkg.deb sha256:2'), { ...cold, how: 'cached', reads: 1 });
    assert.deepEqual(await layer('pkg.deb sha256:1', 200), { ...cold, how: 'cached', reads: 1 });
    // the blob is gone: compressed again from the files, and found by its inputs after
    await cache.drop(cold.digest.slice('sha256:'.length));
    assert.deepEqual(await layer('pkg.deb sha256:1'), { ...cold, how: 'built', reads: 2 });
    assert.equal((await layer('pkg.deb sha256:1')).reads, 0);
    // an unreadable record is no record
    await cache.putNamed(LayerStore.inputsKey('pkg.deb sha256:1', 100), Buffer.from('{"diffId": 7}'));
    assert.deepEqual(await layer('pkg.deb sha256:1'), { ...cold, how: 'cached', reads: 1 });
    assert.equal((await layer('pkg.deb sha256:1')).reads, 0, 'and it is recorded again');
  });

  it('a layer in a slot the cache never made one for is read once; after that, hashed first and found', async (t) => {
    const { layerFromEntries } = await import('../../src/layer/index.ts');
    const events: LayerEvent[] = [];
    const onEvent = (e: PithEvent) => (e.type === 'layer' ? events.push(e) : undefined);
    const counted = await countedEntry('app.js', 'console.log(1)\n');
    const layer = async (store: LayerStore, slot: string) => {
      counted.reads = 0;
      const built = await layerFromEntries([counted], { epoch: 100, store, slot });
      const bytes = Buffer.concat(await collect(built.blob.open()));
      assert.equal(sha256(bytes), built.blob.descriptor.digest, 'the blob kept is the one described');
      return {
        diffId: built.diffId,
        digest: built.blob.descriptor.digest,
        how: events.at(-1)!.how,
        reads: counted.reads,
      };
    };
    const store = new LayerStore(new ContentCache(await tempDir(t)), onEvent);
    const first = await layer(store, 'files /p/a.yaml');
    assert.deepEqual([first.how, first.reads], ['built', 1], 'one pass: hashed while compressed');
    assert.deepEqual(await layer(store, 'files /p/a.yaml'), { ...first, how: 'cached', reads: 1 });
    // another slot on this cache: one pass again, the very same blob
    assert.deepEqual(await layer(store, 'files /p/b.yaml'), { ...first, how: 'built', reads: 1 });
    assert.deepEqual(await layer(store, 'files /p/b.yaml'), { ...first, how: 'cached', reads: 1 });
    // the same diff_id as two passes give, without a slot
    const plain = new LayerStore(new ContentCache(await tempDir(t)), onEvent);
    counted.reads = 0;
    const twice = await layerFromEntries([counted], { epoch: 100, store: plain });
    assert.deepEqual(
      [twice.diffId, twice.blob.descriptor.digest, counted.reads],
      [first.diffId, first.digest, 2],
    );
    // with a remote cache to ask, even a new slot is hashed first (the remote may hold it)
    const remote = {
      name: 'docker://remote.invalid/cache',
      findLayer: async () => undefined,
      keepLayer: async () => {},
    };
    const shared = new LayerStore(new ContentCache(await tempDir(t)), onEvent, remote);
    assert.deepEqual(await layer(shared, 'files /p/a.yaml'), { ...first, how: 'built', reads: 2 });
  });

  it('a cache directory that cannot be written is a warning; the layers are made in memory', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'file'), 'x');
    await writeFile(join(dir, 'a.txt'), 'a');
    const warnings: string[] = [];
    // the cache "directory" is a regular file
    const report = await createPith({ cacheDir: join(dir, 'file'), env: {} }).build(
      {
        config: { archs: ['amd64'], files: [{ src: 'a.txt', dst: '/a.txt' }] },
        baseDir: dir,
        output: `oci:${join(dir, 'out')}`,
        sbom: false,
      },
      { onEvent: (e) => (e.type === 'warning' ? warnings.push(`${e.code} ${e.message}`) : undefined) },
    );
    assert.ok(report.digest);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /^CACHE_UNWRITABLE .*file.*compressed in memory/);
  });
});

/** A tar entry (mtime 5) that counts how often its content is read. */
async function countedEntry(path: string, text: string) {
  const { bytesEntry } = await import('../../src/tar/index.ts');
  const entry = { ...bytesEntry(path, Buffer.from(text)), mtime: 5 };
  const counted = {
    ...entry,
    reads: 0,
    content: () => {
      counted.reads++;
      return entry.content!();
    },
  };
  return counted;
}

async function* one(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of source) out.push(c);
  return out;
}
