// Media types: OCI and Docker equivalents, predicates and layer compression by type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isImageConfigType,
  isIndexType,
  isManifestType,
  layerCompression,
  MediaType,
  ociLayerType,
} from '../../src/oci/index.ts';

describe('media type predicates', () => {
  it('index: OCI index and Docker manifest list', () => {
    assert.equal(isIndexType('application/vnd.oci.image.index.v1+json'), true);
    assert.equal(isIndexType('application/vnd.docker.distribution.manifest.list.v2+json'), true);
    assert.equal(isIndexType(MediaType.ociManifest), false);
    assert.equal(isIndexType(undefined), false);
  });

  it('manifest: OCI manifest and Docker schema 2', () => {
    assert.equal(isManifestType('application/vnd.oci.image.manifest.v1+json'), true);
    assert.equal(isManifestType('application/vnd.docker.distribution.manifest.v2+json'), true);
    assert.equal(isManifestType('application/vnd.docker.distribution.manifest.v1+prettyjws'), false);
    assert.equal(isManifestType(MediaType.ociIndex), false);
    assert.equal(isManifestType(undefined), false);
  });

  it('image config: OCI and Docker, not the empty type', () => {
    assert.equal(isImageConfigType('application/vnd.oci.image.config.v1+json'), true);
    assert.equal(isImageConfigType('application/vnd.docker.container.image.v1+json'), true);
    assert.equal(isImageConfigType(MediaType.ociEmpty), false);
    assert.equal(isImageConfigType('application/vnd.example.sbom+json'), false);
  });

  it('layer types and their compression', () => {
    const expected: [string, string][] = [
      ['application/vnd.oci.image.layer.v1.tar', 'none'],
      ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip'],
      ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd'],
      ['application/vnd.oci.image.layer.nondistributable.v1.tar', 'none'],
      ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'gzip'],
      ['application/vnd.oci.image.layer.nondistributable.v1.tar+zstd', 'zstd'],
      ['application/vnd.docker.image.rootfs.diff.tar', 'none'],
      ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'gzip'],
      ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'gzip'],
    ];
    for (const [mt, c] of expected) {
      assert.equal(layerCompression(mt), c, mt);
    }
  });

  it('unknown types have no layer compression (and never throw)', () => {
    for (const mt of [MediaType.ociConfig, MediaType.ociEmpty, 'application/octet-stream', '']) {
      assert.equal(layerCompression(mt), undefined, mt);
    }
  });

  it('Object.prototype names from untrusted manifests have no layer compression', () => {
    for (const mt of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      assert.equal(layerCompression(mt), undefined, mt);
    }
  });

  it('ociLayerType is the inverse for OCI layers', () => {
    assert.equal(ociLayerType('none'), MediaType.ociLayer);
    assert.equal(ociLayerType('gzip'), MediaType.ociLayerGzip);
    assert.equal(ociLayerType('zstd'), MediaType.ociLayerZstd);
    for (const c of ['none', 'gzip', 'zstd'] as const) assert.equal(layerCompression(ociLayerType(c)), c);
  });
});
