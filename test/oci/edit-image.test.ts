// editImages over an index as `docker buildx` pushes it: each platform image edited, the BuildKit
// attestation manifest (annotated vnd.docker.reference.type: attestation-manifest, platform unknown/unknown,
// with an image config of its own) left out, since it names the digest of the unedited image.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildIndex, editImages, type Image, type Index } from '../../src/oci/index.ts';
import { smallImage } from './fixtures.ts';

test('platform images are edited; a BuildKit attestation manifest is left out, not edited', async () => {
  const amd64 = await smallImage('amd64');
  const attestation = await smallImage('amd64', { epoch: 1 });
  const index: Index = {
    kind: 'index',
    index: buildIndex([
      amd64.manifest.descriptor({ platform: { os: 'linux', architecture: 'amd64' } }),
      attestation.manifest.descriptor({
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': amd64.manifest.digest,
        },
      }),
    ]),
    children: [amd64, attestation],
  };
  const seen: string[] = [];
  const edited = await editImages(index, async (img: Image) => {
    seen.push(img.manifest.digest);
    return smallImage('amd64', { epoch: 2 });
  });
  assert.deepEqual(seen, [amd64.manifest.digest], 'only the platform image is edited');
  assert.equal(edited.kind, 'index');
  const manifests = (edited as Index).index.value.manifests;
  assert.equal(manifests.length, 1);
  assert.equal(manifests[0]!.platform?.architecture, 'amd64');
  assert.notEqual(manifests[0]!.digest, amd64.manifest.digest);
});
