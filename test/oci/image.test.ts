// Building images and indexes, and the push order of their blobs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Annotation,
  type Blob,
  blobsInPushOrder,
  buildImage,
  buildIndexOf,
  type Child,
  imageFromParts,
  imagesOf,
  MediaType,
  memoryBlob,
  parseManifest,
  topDocument,
} from '../../src/oci/index.ts';
import { PithError, sha256 } from '../../src/util/index.ts';
import {
  configOf,
  gzipLayer,
  readBlob,
  smallImage,
  smallLayers,
  tarOf,
  twoPlatformIndex,
} from './fixtures.ts';

describe('buildImage', () => {
  it('derives diff_ids from the layers and aligns history one-to-one', async () => {
    const layers = await smallLayers('amd64');
    const img = buildImage({ config: { architecture: 'amd64', os: 'linux' }, layers, epoch: 0 });
    const c = configOf(img);
    assert.deepEqual(c.rootfs, { type: 'layers', diff_ids: layers.map((l) => l.diffId) });
    assert.equal(c.history?.length, layers.length);
    assert.deepEqual(
      c.history?.map((h) => h.created_by),
      ['base files', 'app for amd64'],
    );
    assert.ok(c.history?.every((h) => !h.empty_layer));
  });

  it('uses "pith" as created_by when a layer does not say', async () => {
    const layer = gzipLayer(await tarOf({ a: 'a' }));
    const img = buildImage({ config: { architecture: 'amd64', os: 'linux' }, layers: [layer], epoch: 0 });
    assert.equal(configOf(img).history?.[0]?.created_by, 'pith');
  });

  it('sets created, history created and the created annotation from the epoch', async () => {
    const img = await smallImage('amd64', { epoch: 1_700_000_000 });
    const c = configOf(img);
    assert.equal(c.created, '2023-11-14T22:13:20Z');
    assert.ok(c.history?.every((h) => h.created === '2023-11-14T22:13:20Z'));
    assert.equal(img.manifest.value.annotations?.[Annotation.created], '2023-11-14T22:13:20Z');
  });

  it('merges manifest annotations; an explicit created annotation wins', async () => {
    const img = await smallImage('amd64', {
      annotations: { [Annotation.title]: 'hello', [Annotation.created]: '2000-01-01T00:00:00Z' },
    });
    assert.deepEqual(img.manifest.value.annotations, {
      [Annotation.created]: '2000-01-01T00:00:00Z',
      [Annotation.title]: 'hello',
    });
  });

  it('keeps the platform and exec config, and the manifest describes config and layers exactly', async () => {
    const img = await smallImage('arm64');
    const c = configOf(img);
    assert.equal(c.architecture, 'arm64');
    assert.equal(c.variant, 'v8');
    assert.deepEqual(c.config?.Entrypoint, ['/app/hello']);
    const m = img.manifest.value;
    assert.equal(m.schemaVersion, 2);
    assert.equal(img.manifest.mediaType, MediaType.ociManifest);
    assert.deepEqual(m.config, {
      mediaType: MediaType.ociConfig,
      digest: sha256(img.config!.raw),
      size: img.config!.raw.length,
    });
    assert.deepEqual(m.config, img.configBlob.descriptor);
    assert.deepEqual(await readBlob(img.configBlob), img.config!.raw);
    assert.deepEqual(
      m.layers,
      img.layers.map((l) => l.descriptor),
    );
    assert.deepEqual(parseManifest(img.manifest.raw).value, m, 'manifest bytes parse back');
  });

  it('is reproducible: same inputs give the same manifest digest; another epoch does not', async () => {
    const a = await smallImage('amd64', { epoch: 5 });
    const b = await smallImage('amd64', { epoch: 5 });
    const c = await smallImage('amd64', { epoch: 6 });
    assert.equal(a.manifest.digest, b.manifest.digest);
    assert.notEqual(a.manifest.digest, c.manifest.digest);
  });
});

describe('buildIndexOf', () => {
  it('lists each image with the platform from its config, in order', async () => {
    const ix = await twoPlatformIndex();
    const [amd, arm] = ix.children as [Child & { kind: 'image' }, Child & { kind: 'image' }];
    assert.equal(ix.index.mediaType, MediaType.ociIndex);
    assert.deepEqual(ix.index.value.manifests, [
      { ...amd.manifest.descriptor(), platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm.manifest.descriptor(), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    assert.equal(topDocument(ix), ix.index);
    assert.equal(topDocument(amd), amd.manifest);
  });

  it('refuses an image without a config', async () => {
    const img = await smallImage();
    assert.throws(
      () => buildIndexOf([{ ...img, config: null }]),
      (err: unknown) => err instanceof PithError && err.code === 'NO_IMAGE_CONFIG',
    );
  });

  it('imagesOf lists the images depth first', async () => {
    const ix = await twoPlatformIndex();
    assert.deepEqual(
      imagesOf(ix).map((i) => configOf(i).architecture),
      ['amd64', 'arm64'],
    );
    const nested = buildIndexOf([]);
    const outer = {
      ...nested,
      children: [
        ix,
        {
          kind: 'blob',
          blob: memoryBlob({ mediaType: 'x/y', digest: sha256('z'), size: 1 }, Buffer.from('z')),
        },
      ],
    } as const;
    assert.equal(imagesOf(outer).length, 2);
  });
});

describe('blobsInPushOrder', () => {
  const digests = (bs: Blob[]) => bs.map((b) => b.descriptor.digest);

  it('an image: layers, then config, then manifest', async () => {
    const img = await smallImage();
    assert.deepEqual(digests(blobsInPushOrder(img)), [
      ...img.layers.map((l) => l.descriptor.digest),
      img.manifest.value.config.digest,
      img.manifest.digest,
    ]);
    const manifestBlob = blobsInPushOrder(img).at(-1)!;
    assert.deepEqual(await readBlob(manifestBlob), img.manifest.raw);
    assert.equal(manifestBlob.descriptor.mediaType, MediaType.ociManifest);
  });

  it('an index: each child complete before the index, shared layers once', async () => {
    const ix = await twoPlatformIndex();
    const [amd, arm] = imagesOf(ix) as [
      ReturnType<typeof imagesOf>[number],
      ReturnType<typeof imagesOf>[number],
    ];
    const order = digests(blobsInPushOrder(ix));
    const shared = amd.layers[0]!.descriptor.digest;
    assert.equal(shared, arm.layers[0]!.descriptor.digest, 'fixture: the base layer is shared');
    assert.deepEqual(order, [
      shared,
      amd.layers[1]!.descriptor.digest,
      amd.manifest.value.config.digest,
      amd.manifest.digest,
      arm.layers[1]!.descriptor.digest,
      arm.manifest.value.config.digest,
      arm.manifest.digest,
      ix.index.digest,
    ]);
    assert.equal(new Set(order).size, order.length, 'no duplicates');
    assert.deepEqual(await readBlob(blobsInPushOrder(ix).at(-1)!), ix.index.raw);
  });

  it('an index listing the same image twice pushes it once', async () => {
    const img = await smallImage();
    const ix = buildIndexOf([img, img]);
    assert.equal(blobsInPushOrder(ix).length, img.layers.length + 3);
  });

  it('every blob reads back as its descriptor says', async () => {
    for (const b of blobsInPushOrder(await twoPlatformIndex())) {
      const bytes = await readBlob(b);
      assert.equal(bytes.length, b.descriptor.size);
      assert.equal(sha256(bytes), b.descriptor.digest);
    }
  });
});

describe('imageFromParts', () => {
  it('parses an image config, keeps an artifact config opaque', async () => {
    const img = await smallImage();
    const back = await imageFromParts(img.manifest, img.configBlob, img.config!.raw, [...img.layers]);
    assert.equal(back.config?.digest, img.config!.digest);
    const artifact = parseManifest(
      Buffer.from(
        JSON.stringify({
          ...img.manifest.value,
          config: { mediaType: 'application/vnd.example+json', digest: sha256('{}'), size: 2 },
        }),
      ),
    );
    const opaque = await imageFromParts(artifact, img.configBlob, Buffer.from('not json at all'), []);
    assert.equal(opaque.config, null);
  });

  it('rejects a broken image config with BAD_CONFIG', async () => {
    const img = await smallImage();
    await assert.rejects(
      imageFromParts(img.manifest, img.configBlob, Buffer.from('{"os":"linux"}'), []),
      (err: unknown) => err instanceof PithError && err.code === 'BAD_CONFIG' && err.kind === 'invalid',
    );
  });
});
