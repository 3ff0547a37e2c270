// validate(): sound artifacts give []; each corruption is reported where it is, and several corruptions at
// once are all reported (not just the first).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import {
  buildImage,
  buildIndex,
  buildIndexOf,
  type Child,
  type Image,
  type Index,
  MediaType,
  memoryBlob,
  type Problem,
  validate,
} from '../../src/oci/index.ts';
import { sha256 } from '../../src/util/index.ts';
import {
  configOf,
  gzipLayer,
  otherDigest,
  smallImage,
  tarOf,
  twoPlatformIndex,
  withConfig,
  withIndexEntries,
  withManifest,
} from './fixtures.ts';

interface Expect {
  where: string;
  message: RegExp;
}

/** Asserts that `problems` are exactly the expected ones (each matched once, nothing else reported). */
function assertProblems(problems: Problem[], expected: Expect[]): void {
  const shown = JSON.stringify(problems, null, 2);
  const left = [...problems];
  for (const e of expected) {
    const i = left.findIndex((p) => p.where === e.where && e.message.test(p.message));
    assert.ok(i >= 0, `expected a problem at "${e.where}" matching ${e.message}; got ${shown}`);
    left.splice(i, 1);
  }
  assert.deepEqual(left, [], `unexpected problems; all: ${shown}`);
}

function child(ix: Index, i: number): Image {
  const c = ix.children[i];
  assert.ok(c && c.kind === 'image');
  return c;
}

describe('validate: sound artifacts', { timeout: 30_000 }, () => {
  it('a single image built by buildImage gives []', async () => {
    assert.deepEqual(await validate(await smallImage()), []);
  });

  it('a two-platform index gives []', async () => {
    assert.deepEqual(await validate(await twoPlatformIndex()), []);
  });

  it('an image with no layers gives []', async () => {
    const img = await smallImage();
    const empty = withConfig(
      withManifest(
        img,
        (m) => {
          m.layers = [];
        },
        [],
      ),
      (c) => {
        c.rootfs.diff_ids = [];
        c.history = [];
      },
    );
    assert.deepEqual(await validate(empty), []);
  });

  it('history entries marked empty_layer are not counted against the layers', async () => {
    const img = withConfig(await smallImage(), (c) => {
      c.history = [
        { created_by: 'ENV x=1', empty_layer: true },
        ...(c.history ?? []),
        { created_by: 'CMD', empty_layer: true },
      ];
    });
    assert.deepEqual(await validate(img), []);
  });

  it('uncompressed, zstd and docker gzip layers are decompressed by their media type', async () => {
    const tar = await tarOf({ 'x/y': 'layer content' });
    const zst = zstdCompressSync(tar);
    const gz = gzipSync(tar);
    const layers = [
      {
        blob: memoryBlob({ mediaType: MediaType.ociLayer, digest: sha256(tar), size: tar.length }, tar),
        diffId: sha256(tar),
      },
      {
        blob: memoryBlob({ mediaType: MediaType.ociLayerZstd, digest: sha256(zst), size: zst.length }, zst),
        diffId: sha256(tar),
      },
      {
        blob: memoryBlob({ mediaType: MediaType.dockerLayerGzip, digest: sha256(gz), size: gz.length }, gz),
        diffId: sha256(tar),
      },
    ];
    const img = buildImage({ config: { architecture: 'amd64', os: 'linux' }, layers, epoch: 0 });
    assert.deepEqual(await validate(img), []);
  });

  it('an index platform without variant matches a config with the default variant (arm64 → v8)', async () => {
    const ix = withIndexEntries(await twoPlatformIndex(), (e) => {
      e[1]!.platform = { os: 'linux', architecture: 'arm64' };
    });
    assert.deepEqual(await validate(ix), []);
  });

  it('an index entry addressed by sha512 (a digest pith accepts) is not reported', async () => {
    const img = await smallImage();
    const sha512 = `sha512:${createHash('sha512').update(img.manifest.raw).digest('hex')}` as const;
    const entry = {
      ...img.manifest.descriptor(),
      digest: sha512,
      platform: { os: 'linux', architecture: 'amd64' },
    };
    const ix: Index = { kind: 'index', index: buildIndex([entry]), children: [img] };
    assert.deepEqual(await validate(ix), []);
  });

  it('an opaque blob child is checked by digest only', async () => {
    const bytes = Buffer.from('an attestation or other artifact');
    const blob = memoryBlob(
      { mediaType: 'application/vnd.example+json', digest: sha256(bytes), size: bytes.length },
      bytes,
    );
    const ix: Index = {
      kind: 'index',
      index: buildIndex([blob.descriptor]),
      children: [{ kind: 'blob', blob }],
    };
    assert.deepEqual(await validate(ix), []);
  });
});

describe('validate: one corruption at a time', { timeout: 30_000 }, () => {
  it('a wrong layer digest in the manifest', async () => {
    const bad = otherDigest('layer');
    const img = withManifest(await smallImage(), (m) => {
      m.layers[1]!.digest = bad;
    });
    assertProblems(await validate(img), [
      {
        where: 'image > layers[1]',
        message: new RegExp(`descriptor digest ${bad} but the blob hashes to sha256:`),
      },
    ]);
  });

  it('layer bytes that do not match their descriptor', async () => {
    const img = await smallImage();
    const good = img.layers[0]!;
    const other = gzipSync(
      await tarOf({ 'etc/os-release': 'ID=other\n', 'etc/passwd': 'root:x:0:0::/root:/sbin/nologin\n' }),
    );
    const swapped = { ...img, layers: [memoryBlob(good.descriptor, other), img.layers[1]!] };
    const problems = await validate(swapped);
    assert.ok(
      problems.some((p) => p.where === 'image > layers[0]' && /hashes to/.test(p.message)),
      JSON.stringify(problems),
    );
    assert.ok(
      problems.some((p) => p.where === 'image > config > rootfs.diff_ids[0]'),
      JSON.stringify(problems),
    );
  });

  it('a wrong layer size', async () => {
    const img = withManifest(await smallImage(), (m) => {
      m.layers[0]!.size += 1;
    });
    const actual = img.layers[0]!.descriptor.size;
    assertProblems(await validate(img), [
      {
        where: 'image > layers[0]',
        message: new RegExp(`descriptor size ${actual + 1} but the blob is ${actual} bytes`),
      },
    ]);
  });

  it('a wrong config digest and size in the manifest', async () => {
    const img = withManifest(await smallImage(), (m) => {
      m.config.digest = otherDigest('config');
      m.config.size += 3;
    });
    assertProblems(await validate(img), [
      { where: 'image > config', message: /descriptor size/ },
      { where: 'image > config', message: /descriptor digest/ },
    ]);
  });

  it('a diff_id that does not match the uncompressed layer', async () => {
    const img = await smallImage();
    const bad = otherDigest('diff');
    const broken = withConfig(img, (c) => {
      c.rootfs.diff_ids[1] = bad;
    });
    const actual = configOf(img).rootfs.diff_ids[1]!;
    assertProblems(await validate(broken), [
      {
        where: 'image > config > rootfs.diff_ids[1]',
        message: new RegExp(`declared ${bad} but the uncompressed layer hashes to ${actual}`),
      },
    ]);
  });

  it('fewer layers than diff_ids', async () => {
    const img = await smallImage();
    const broken = withManifest(
      img,
      (m) => {
        m.layers.pop();
      },
      img.layers.slice(0, 1),
    );
    assertProblems(await validate(broken), [
      { where: 'image > config', message: /rootfs.diff_ids has 2 entries but the manifest has 1 layers/ },
    ]);
  });

  it('more diff_ids than layers (history kept aligned with diff_ids)', async () => {
    const img = withConfig(await smallImage(), (c) => {
      c.rootfs.diff_ids.push(otherDigest('extra'));
      c.history!.push({ created_by: 'extra' });
    });
    assertProblems(await validate(img), [
      { where: 'image > config', message: /rootfs.diff_ids has 3 entries but the manifest has 2 layers/ },
    ]);
  });

  it('a manifest listing more layers than were supplied', async () => {
    const img = await smallImage();
    const broken = { ...img, layers: img.layers.slice(0, 1) };
    const problems = await validate(broken);
    assert.ok(
      problems.some(
        (p) => p.where === 'image' && /manifest lists 2 layers but 1 were supplied/.test(p.message),
      ),
      JSON.stringify(problems),
    );
  });

  it('history not aligned with the layers', async () => {
    const img = withConfig(await smallImage(), (c) => {
      c.history!.push({ created_by: 'a step that claims a layer' });
    });
    assertProblems(await validate(img), [
      { where: 'image > config', message: /history has 3 non-empty entries but there are 2 layers/ },
    ]);
  });

  it('rootfs.type other than layers', async () => {
    const img = withConfig(await smallImage(), (c) => {
      (c.rootfs as { type: string }).type = 'tarballs';
    });
    assertProblems(await validate(img), [
      { where: 'image > config', message: /rootfs.type is "tarballs", must be "layers"/ },
    ]);
  });

  it('a layer that is not gzip although its media type says so', async () => {
    const img = await smallImage();
    const notGzip = Buffer.from('these bytes are not gzip at all');
    const blob = memoryBlob(
      { mediaType: MediaType.ociLayerGzip, digest: sha256(notGzip), size: notGzip.length },
      notGzip,
    );
    const broken = withManifest(
      img,
      (m) => {
        m.layers[1] = blob.descriptor;
      },
      [img.layers[0]!, blob],
    );
    const problems = await validate(broken);
    assert.ok(
      problems.some((p) => p.where === 'image > layers[1]' && /does not decompress as gzip/.test(p.message)),
      JSON.stringify(problems),
    );
  });

  it('an undecompressable layer is not reported with a made-up uncompressed digest', async () => {
    // The diff_id cannot be checked when the layer does not decompress; claiming that "the uncompressed
    // layer hashes to" the compressed blob's digest is false.
    const img = await smallImage();
    const notGzip = Buffer.from('these bytes are not gzip at all');
    const blob = memoryBlob(
      { mediaType: MediaType.ociLayerGzip, digest: sha256(notGzip), size: notGzip.length },
      notGzip,
    );
    const broken = withManifest(
      img,
      (m) => {
        m.layers[1] = blob.descriptor;
      },
      [img.layers[0]!, blob],
    );
    assertProblems(await validate(broken), [
      { where: 'image > layers[1]', message: /does not decompress as gzip/ },
    ]);
  });

  it('a truncated gzip layer (digest and size consistent) is reported', async () => {
    const img = await smallImage();
    const gz = gzipSync(await tarOf({ big: 'x'.repeat(5000) }));
    const cut = gz.subarray(0, gz.length - 12);
    const blob = memoryBlob(
      { mediaType: MediaType.ociLayerGzip, digest: sha256(cut), size: cut.length },
      cut,
    );
    const broken = withManifest(
      img,
      (m) => {
        m.layers[0] = blob.descriptor;
      },
      [blob, img.layers[1]!],
    );
    const problems = await validate(broken);
    assert.ok(
      problems.some((p) => p.where === 'image > layers[0]' && /does not decompress/.test(p.message)),
      JSON.stringify(problems),
    );
  });

  it('an unknown layer media type', async () => {
    const img = withManifest(await smallImage(), (m) => {
      m.layers[0]!.mediaType = 'application/x-mystery';
    });
    const problems = await validate(img);
    assert.ok(
      problems.some(
        (p) =>
          p.where === 'image > layers[0]' &&
          /unknown layer media type application\/x-mystery/.test(p.message),
      ),
    );
  });

  it('inline data that does not decode to the described size', async () => {
    const img = withManifest(await smallImage(), (m) => {
      m.config.data = Buffer.from('{}').toString('base64');
    });
    assertProblems(await validate(img), [
      { where: 'image > config', message: /descriptor data decodes to 2 bytes/ },
    ]);
  });

  it('a layer blob that cannot be read', async () => {
    const img = await smallImage();
    const failing = {
      descriptor: img.layers[1]!.descriptor,
      // biome-ignore lint/correctness/useYield: the read fails before any bytes on purpose
      async *open(): AsyncGenerator<Buffer> {
        throw new Error('EIO: disk read failed');
      },
    };
    const problems = await validate({ ...img, layers: [img.layers[0]!, failing] });
    assert.ok(
      problems.some((p) => p.where === 'image > layers[1]' && /cannot read blob .*EIO/.test(p.message)),
      JSON.stringify(problems),
    );
  });

  it('an index descriptor digest that does not match its child', async () => {
    const bad = otherDigest('manifest');
    const ix = withIndexEntries(await twoPlatformIndex(), (e) => {
      e[0]!.digest = bad;
    });
    assertProblems(await validate(ix), [
      {
        where: 'index > manifests[0] (linux/amd64)',
        message: new RegExp(`descriptor digest ${bad} but the content hashes to sha256:`),
      },
    ]);
  });

  it('an index descriptor size that does not match its child', async () => {
    const ix = withIndexEntries(await twoPlatformIndex(), (e) => {
      e[1]!.size -= 1;
    });
    assertProblems(await validate(ix), [
      { where: 'index > manifests[1] (linux/arm64/v8)', message: /descriptor size .* but the content is/ },
    ]);
  });

  it('an index platform that disagrees with the config', async () => {
    const ix = withIndexEntries(await twoPlatformIndex(), (e) => {
      e[1]!.platform = { os: 'linux', architecture: 's390x' };
    });
    assertProblems(await validate(ix), [
      {
        where: 'index > manifests[1] (linux/s390x)',
        message: /index says platform linux\/s390x but the config says linux\/arm64\/v8/,
      },
    ]);
  });

  it('an index entry whose media type does not fit its child', async () => {
    const ix = withIndexEntries(await twoPlatformIndex(), (e) => {
      e[0]!.mediaType = MediaType.ociIndex;
    });
    assertProblems(await validate(ix), [
      { where: 'index > manifests[0] (linux/amd64)', message: /media type .* does not fit a image/ },
    ]);
  });

  it('an index listing more manifests than children', async () => {
    const ix = await twoPlatformIndex();
    const short: Index = { ...ix, children: ix.children.slice(0, 1) };
    assertProblems(await validate(short), [
      { where: 'index', message: /lists 2 manifests but 1 were supplied/ },
    ]);
  });

  it('problems inside a child image are reported under the child', async () => {
    const ix = await twoPlatformIndex();
    const arm = withManifest(child(ix, 1), (m) => {
      m.layers[1]!.size += 10;
    });
    const fixed = buildIndexOf([child(ix, 0), arm]);
    assertProblems(await validate(fixed), [
      { where: 'index > manifests[1] (linux/arm64/v8) > layers[1]', message: /descriptor size/ },
    ]);
  });
});

describe('validate: several corruptions at once are all reported', { timeout: 30_000 }, () => {
  it('in one image: layer digest, layer size, diff_id and history', async () => {
    const img = await smallImage();
    const badDiff = otherDigest('diff0');
    const broken = withManifest(
      withConfig(img, (c) => {
        c.rootfs.diff_ids[0] = badDiff;
        c.history!.push({ created_by: 'phantom' });
      }),
      (m) => {
        m.layers[0]!.digest = otherDigest('l0');
        m.layers[1]!.size += 7;
      },
    );
    assertProblems(await validate(broken), [
      { where: 'image > layers[0]', message: /descriptor digest/ },
      { where: 'image > layers[1]', message: /descriptor size/ },
      { where: 'image > config > rootfs.diff_ids[0]', message: new RegExp(`declared ${badDiff}`) },
      { where: 'image > config', message: /history has 3 non-empty entries but there are 2 layers/ },
    ]);
  });

  it('in an index: descriptor digest, platform, and problems in both children', async () => {
    const ix = await twoPlatformIndex();
    const amd = withConfig(child(ix, 0), (c) => {
      c.rootfs.diff_ids.pop();
      c.history!.pop();
    });
    const notGzip = Buffer.from('not gzip');
    const junk = memoryBlob(
      { mediaType: MediaType.ociLayerGzip, digest: sha256(notGzip), size: notGzip.length },
      notGzip,
    );
    const arm = child(ix, 1);
    const armBroken = withManifest(
      arm,
      (m) => {
        m.layers[0] = junk.descriptor;
        m.layers[1]!.digest = otherDigest('arm l1');
      },
      [junk, arm.layers[1]!],
    );
    const rebuilt = buildIndexOf([amd, armBroken]);
    const broken = withIndexEntries(rebuilt, (e) => {
      e[0]!.digest = otherDigest('amd manifest');
      e[1]!.platform = { os: 'linux', architecture: 'arm', variant: 'v7' };
    });
    // The undecompressable layer's diff_id cannot be checked; whether it is also reported is the subject of
    // its own test above, so that entry is left out here.
    const unverifiable = 'index > manifests[1] (linux/arm/v7) > config > rootfs.diff_ids[0]';
    const problems = (await validate(broken)).filter((p) => p.where !== unverifiable);
    assertProblems(problems, [
      { where: 'index > manifests[0] (linux/amd64)', message: /descriptor digest/ },
      {
        where: 'index > manifests[0] (linux/amd64) > config',
        message: /rootfs.diff_ids has 1 entries but the manifest has 2 layers/,
      },
      {
        where: 'index > manifests[1] (linux/arm/v7)',
        message: /index says platform linux\/arm\/v7 but the config says linux\/arm64\/v8/,
      },
      { where: 'index > manifests[1] (linux/arm/v7) > layers[0]', message: /does not decompress as gzip/ },
      { where: 'index > manifests[1] (linux/arm/v7) > layers[1]', message: /descriptor digest/ },
    ]);
  });
});

describe('validate: top-level blobs', () => {
  it('checks an opaque blob by digest and size', async () => {
    const bytes = Buffer.from('abc');
    const blob = memoryBlob({ mediaType: 'x/y', digest: sha256('abd'), size: 4 }, bytes);
    const c: Child = { kind: 'blob', blob };
    assertProblems(await validate(c), [
      { where: 'blob', message: /descriptor size 4 but the blob is 3 bytes/ },
      { where: 'blob', message: /descriptor digest/ },
    ]);
  });
});

describe('validate: each distinct blob is read once', { timeout: 30_000 }, () => {
  /** Layers that count how often their bytes are opened, per digest. */
  async function countedLayers(distinct: number, opens: Map<string, number>) {
    const layers = [];
    for (let i = 0; i < distinct; i++) {
      const { blob, diffId } = gzipLayer(await tarOf({ [`f${i}`]: `layer ${i}` }));
      const counted = {
        descriptor: blob.descriptor,
        open: () => {
          opens.set(blob.descriptor.digest, (opens.get(blob.descriptor.digest) ?? 0) + 1);
          return blob.open();
        },
      };
      layers.push({ blob: counted, diffId });
    }
    return layers;
  }

  it('2,000 layers repeating 8 blobs: valid, and each blob opened once (hash and diff_id in one pass)', async () => {
    const opens = new Map<string, number>();
    const eight = await countedLayers(8, opens);
    const img = buildImage({
      config: { architecture: 'amd64', os: 'linux' },
      layers: Array.from({ length: 2000 }, (_, i) => eight[i % 8]!),
      epoch: 0,
    });
    assert.deepEqual(await validate(img), []);
    assert.deepEqual([...opens.values()], Array(8).fill(1));
  });

  it('a config that disagrees on the layer count is reported before any layer is read', async () => {
    const opens = new Map<string, number>();
    const layers = await countedLayers(3, opens);
    const img = withConfig(
      buildImage({ config: { architecture: 'amd64', os: 'linux' }, layers, epoch: 0 }),
      (c) => {
        c.rootfs.diff_ids.push(otherDigest('extra'));
        c.history!.push({ created_by: 'extra' });
      },
    );
    assertProblems(await validate(img), [
      {
        where: 'image > config',
        message: /^rootfs.diff_ids has 4 entries but the manifest has 3 layers; the layers were not read$/,
      },
    ]);
    assert.equal(opens.size, 0, 'no layer was opened');
  });
});
