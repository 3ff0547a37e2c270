// `validate` against the in-memory registry reads each distinct blob once: a manifest of 5,000 layers that
// repeat 8 blobs costs 8 layer GETs, not 10,000; a manifest over the layer limit (25,000 layers) is refused
// from the manifest alone, one line with exit 4 and no blob fetched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pullRemote } from '../../../src/io/index.ts';
import { buildImage, type LayerBlob, MediaType, parseReference, validate } from '../../../src/oci/index.ts';
import { type MemoryRegistry, startMemoryRegistry } from '../../../src/testing/index.ts';
import { pith } from '../../helpers.ts';
import { gzipLayer, readBlob, tarOf } from '../../oci/fixtures.ts';

let reg: MemoryRegistry;
before(async () => {
  reg = await startMemoryRegistry({});
});
after(() => reg.close());

/** Stores an image of `count` layers cycling through `distinct` small blobs under repo:tag. */
async function storeRepeatingImage(repo: string, tag: string, count: number, distinct: number) {
  const blobs: LayerBlob[] = [];
  for (let i = 0; i < distinct; i++) blobs.push(gzipLayer(await tarOf({ [`f${i}`]: `layer ${i}` })));
  const img = buildImage({
    config: { architecture: 'amd64', os: 'linux' },
    layers: Array.from({ length: count }, (_, i) => blobs[i % distinct]!),
    epoch: 0,
  });
  for (const b of [img.configBlob, ...blobs.map((l) => l.blob)])
    reg.blobs.set(b.descriptor.digest, await readBlob(b));
  const stored = { mediaType: MediaType.ociManifest, bytes: img.manifest.raw };
  const tags = reg.manifests.get(repo) ?? new Map();
  tags.set(tag, stored).set(img.manifest.digest, stored);
  reg.manifests.set(repo, tags);
  return { layerDigests: blobs.map((l) => l.blob.descriptor.digest), manifest: img.manifest };
}

const blobGets = () => reg.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/'));

describe('validate reads each distinct blob once', { timeout: 60_000 }, () => {
  it('5,000 layers repeating 8 blobs: valid with one GET per layer blob', async () => {
    const { layerDigests } = await storeRepeatingImage('team/repeat', 'v1', 5000, 8);
    reg.requests.length = 0;
    const artifact = await pullRemote(parseReference(`${reg.host}/team/repeat:v1`));
    assert.deepEqual(await validate(artifact), []);
    const gets = blobGets().map((r) => r.path);
    for (const d of layerDigests)
      assert.equal(gets.filter((p) => p.endsWith(d)).length, 1, `${d} fetched once`);
    assert.ok(gets.length <= layerDigests.length + 2, `${gets.length} blob GETs: 8 layers and the config`);
  });

  it('25,000 layers: refused from the manifest, exit 4, one line naming the limit, no blob fetched', async () => {
    await storeRepeatingImage('team/huge', 'v1', 25_000, 8);
    reg.requests.length = 0;
    const r = await pith(['validate', `docker://${reg.host}/team/huge:v1`]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      /^pith: .*: layers has 25000 entries, over the limit of 10000 layers per manifest\n$/,
    );
    assert.deepEqual(blobGets(), []);
  });
});
