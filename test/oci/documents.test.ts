// Manifest, index and config documents: required-field checks (PithError kind 'invalid'), raw bytes kept
// for digests, canonical building, descriptors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildImageConfig,
  buildIndex,
  buildManifest,
  checkDescriptor,
  configPlatform,
  JsonDocument,
  MediaType,
  parseImageConfig,
  parseIndex,
  parseManifest,
} from '../../src/oci/index.ts';
import { canonicalJson, PithError, sha256 } from '../../src/util/index.ts';

const D1 = sha256('one');
const D2 = sha256('two');
const configDesc = { mediaType: MediaType.ociConfig, digest: D1, size: 10 };
const layerDesc = { mediaType: MediaType.ociLayerGzip, digest: D2, size: 20 };

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

function invalid(code: string, where?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof PithError, `expected a PithError, got ${String(err)}`);
    assert.equal(err.kind, 'invalid');
    assert.equal(err.code, code);
    if (where) assert.match(err.message, where);
    return true;
  };
}

describe('parseManifest', () => {
  const good = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDesc,
    layers: [layerDesc],
  };

  it('parses a valid manifest', () => {
    const m = parseManifest(json(good));
    assert.deepEqual(m.value, good);
    assert.equal(m.mediaType, MediaType.ociManifest);
  });

  it('takes the media type from the document, else from the caller, else OCI', () => {
    const { mediaType: _, ...noType } = good;
    assert.equal(parseManifest(json(noType), MediaType.dockerManifest).mediaType, MediaType.dockerManifest);
    assert.equal(parseManifest(json(noType)).mediaType, MediaType.ociManifest);
    assert.equal(
      parseManifest(json({ ...good, mediaType: MediaType.dockerManifest }), MediaType.ociManifest).mediaType,
      MediaType.dockerManifest,
    );
  });

  it('keeps unknown fields', () => {
    const m = parseManifest(json({ ...good, 'x-extra': { a: 1 } }));
    assert.deepEqual(m.value['x-extra'], { a: 1 });
  });

  const broken: [string, unknown, string][] = [
    ['no schemaVersion', { config: configDesc, layers: [] }, 'BAD_MANIFEST'],
    ['schemaVersion 1', { ...good, schemaVersion: 1 }, 'BAD_MANIFEST'],
    ['schemaVersion "2"', { ...good, schemaVersion: '2' }, 'BAD_MANIFEST'],
    ['no config', { schemaVersion: 2, layers: [] }, 'BAD_DESCRIPTOR'],
    [
      'config without digest',
      { ...good, config: { mediaType: MediaType.ociConfig, size: 1 } },
      'BAD_DESCRIPTOR',
    ],
    ['config without mediaType', { ...good, config: { digest: D1, size: 1 } }, 'BAD_DESCRIPTOR'],
    [
      'config without size',
      { ...good, config: { mediaType: MediaType.ociConfig, digest: D1 } },
      'BAD_DESCRIPTOR',
    ],
    ['no layers', { schemaVersion: 2, config: configDesc }, 'BAD_MANIFEST'],
    ['layers not an array', { ...good, layers: {} }, 'BAD_MANIFEST'],
    ['layer with negative size', { ...good, layers: [{ ...layerDesc, size: -1 }] }, 'BAD_DESCRIPTOR'],
    ['layer with fractional size', { ...good, layers: [{ ...layerDesc, size: 1.5 }] }, 'BAD_DESCRIPTOR'],
    ['layer with string size', { ...good, layers: [{ ...layerDesc, size: '20' }] }, 'BAD_DESCRIPTOR'],
    [
      'layer with uppercase digest',
      { ...good, layers: [{ ...layerDesc, digest: D2.toUpperCase() }] },
      'BAD_DESCRIPTOR',
    ],
    ['layer that is not an object', { ...good, layers: ['sha256:abc'] }, 'BAD_DESCRIPTOR'],
    ['bad subject', { ...good, subject: { mediaType: MediaType.ociManifest } }, 'BAD_DESCRIPTOR'],
  ];
  for (const [what, value, code] of broken) {
    it(`rejects a manifest with ${what} (${code})`, () => {
      assert.throws(() => parseManifest(json(value), undefined, 'manifest X'), invalid(code, /manifest X/));
    });
  }

  it('names the failing layer index', () => {
    const value = { ...good, layers: [layerDesc, { ...layerDesc, size: -5 }] };
    assert.throws(() => parseManifest(json(value)), invalid('BAD_DESCRIPTOR', /layers\[1\]/));
  });

  it('rejects non-JSON and non-objects with BAD_JSON', () => {
    assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":')), invalid('BAD_JSON'));
    assert.throws(() => parseManifest(Buffer.from('[1,2]')), invalid('BAD_JSON'));
    assert.throws(() => parseManifest(Buffer.from('null')), invalid('BAD_JSON'));
  });
});

describe('parseIndex', () => {
  const entry = {
    mediaType: MediaType.ociManifest,
    digest: D1,
    size: 100,
    platform: { os: 'linux', architecture: 'amd64' },
  };

  it('parses a valid index; media type from document, caller, else OCI', () => {
    const ix = parseIndex(json({ schemaVersion: 2, manifests: [entry] }), MediaType.dockerManifestList);
    assert.equal(ix.value.manifests.length, 1);
    assert.equal(ix.mediaType, MediaType.dockerManifestList);
    assert.equal(parseIndex(json({ schemaVersion: 2, manifests: [] })).mediaType, MediaType.ociIndex);
  });

  it('reads "manifests": null (moby#47210) as empty', () => {
    assert.deepEqual(parseIndex(json({ schemaVersion: 2, manifests: null })).value.manifests, []);
  });

  const broken: [string, unknown, string][] = [
    ['no schemaVersion', { manifests: [] }, 'BAD_INDEX'],
    ['schemaVersion 1', { schemaVersion: 1, manifests: [] }, 'BAD_INDEX'],
    ['no manifests', { schemaVersion: 2 }, 'BAD_INDEX'],
    ['manifests not an array', { schemaVersion: 2, manifests: {} }, 'BAD_INDEX'],
    [
      'an entry without mediaType',
      { schemaVersion: 2, manifests: [{ digest: D1, size: 1 }] },
      'BAD_DESCRIPTOR',
    ],
    [
      'an entry with empty mediaType',
      { schemaVersion: 2, manifests: [{ ...entry, mediaType: '' }] },
      'BAD_DESCRIPTOR',
    ],
    [
      'an entry with a bad digest',
      { schemaVersion: 2, manifests: [{ ...entry, digest: 'sha256:1234' }] },
      'BAD_DESCRIPTOR',
    ],
  ];
  for (const [what, value, code] of broken) {
    it(`rejects an index with ${what} (${code})`, () => {
      assert.throws(() => parseIndex(json(value), undefined, 'index Y'), invalid(code, /index Y/));
    });
  }

  it('accepts entries of unknown media type', () => {
    const ix = parseIndex(
      json({ schemaVersion: 2, manifests: [{ mediaType: 'application/x-unknown', digest: D2, size: 3 }] }),
    );
    assert.equal(ix.value.manifests[0]?.mediaType, 'application/x-unknown');
  });
});

describe('parseImageConfig', () => {
  const good = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [D1] } };

  it('parses a valid config and keeps unknown fields', () => {
    const c = parseImageConfig(json({ ...good, docker_version: '1', config: { Memory: 5 } }));
    assert.equal(c.value.architecture, 'amd64');
    assert.equal(c.value['docker_version'], '1');
    assert.equal(c.mediaType, MediaType.ociConfig);
  });

  const broken: [string, unknown][] = [
    ['no architecture', { os: 'linux', rootfs: good.rootfs }],
    ['no os', { architecture: 'amd64', rootfs: good.rootfs }],
    ['architecture not a string', { ...good, architecture: 64 }],
    ['no rootfs', { architecture: 'amd64', os: 'linux' }],
    ['rootfs null', { ...good, rootfs: null }],
    ['no diff_ids', { ...good, rootfs: { type: 'layers' } }],
    ['diff_ids not an array', { ...good, rootfs: { type: 'layers', diff_ids: D1 } }],
  ];
  for (const [what, value] of broken) {
    it(`rejects a config with ${what} (BAD_CONFIG)`, () => {
      assert.throws(
        () => parseImageConfig(json(value), MediaType.ociConfig, 'config Z'),
        invalid('BAD_CONFIG', /config Z/),
      );
    });
  }

  it('configPlatform reads os, architecture, variant and os.version', () => {
    const c = parseImageConfig(json({ ...good, architecture: 'arm64', variant: 'v8', 'os.version': '10.0' }));
    assert.deepEqual(configPlatform(c.value), {
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
      'os.version': '10.0',
    });
    assert.deepEqual(configPlatform(parseImageConfig(json(good)).value), {
      os: 'linux',
      architecture: 'amd64',
    });
  });
});

describe('JsonDocument', () => {
  it('digest and size are of the raw bytes, whitespace and key order included', () => {
    const raw = Buffer.from(
      '{\n  "schemaVersion" : 2,\r\n\t"layers": [ ],\n  "config": ' +
        JSON.stringify(configDesc, null, 3) +
        '  }\n\n',
    );
    const m = parseManifest(raw);
    assert.equal(m.raw, raw);
    assert.equal(m.digest, sha256(raw));
    assert.equal(m.size, raw.length);
    assert.notEqual(m.digest, sha256(canonicalJson(m.value)));
    assert.deepEqual(m.descriptor(), {
      mediaType: MediaType.ociManifest,
      digest: sha256(raw),
      size: raw.length,
    });
  });

  it('the same for an index and a config', () => {
    const ixRaw = Buffer.from('{ "manifests" : [], "schemaVersion" : 2 }');
    assert.equal(parseIndex(ixRaw).digest, sha256(ixRaw));
    const cRaw = Buffer.from(
      ' {"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}} ',
    );
    assert.equal(parseImageConfig(cRaw).digest, sha256(cRaw));
  });

  it('JsonDocument.of serialises canonically', () => {
    const doc = JsonDocument.of({ b: 1, a: { d: 1, c: 2 } }, 'application/json');
    assert.equal(doc.raw.toString(), '{"a":{"c":2,"d":1},"b":1}');
    assert.equal(doc.digest, sha256('{"a":{"c":2,"d":1},"b":1}'));
  });

  it('descriptor() adds extra fields', () => {
    const doc = JsonDocument.of({ x: 1 }, MediaType.ociManifest);
    const platform = { os: 'linux', architecture: 'amd64' };
    assert.deepEqual(doc.descriptor({ platform }), {
      mediaType: MediaType.ociManifest,
      digest: doc.digest,
      size: doc.size,
      platform,
    });
  });
});

describe('builders', () => {
  it('buildManifest is canonical, has schemaVersion 2 and omits empty annotations', () => {
    const m = buildManifest({ config: configDesc, layers: [layerDesc], annotations: {} });
    assert.equal(
      m.raw.toString(),
      canonicalJson({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: configDesc,
        layers: [layerDesc],
      }),
    );
    assert.equal('annotations' in m.value, false);
    assert.deepEqual(parseManifest(m.raw).value, m.value);
    const withAnn = buildManifest({ config: configDesc, layers: [], annotations: { 'org.example': 'x' } });
    assert.deepEqual(withAnn.value.annotations, { 'org.example': 'x' });
  });

  it('buildIndex is canonical and parses back', () => {
    const ix = buildIndex([{ mediaType: MediaType.ociManifest, digest: D1, size: 5 }], { a: 'b' });
    assert.equal(ix.mediaType, MediaType.ociIndex);
    assert.equal(ix.raw.toString(), canonicalJson(ix.value));
    assert.equal(parseIndex(ix.raw).digest, ix.digest);
    assert.equal('annotations' in buildIndex([]).value, false);
  });

  it('buildImageConfig is canonical', () => {
    const c = buildImageConfig({
      os: 'linux',
      architecture: 'amd64',
      rootfs: { type: 'layers', diff_ids: [] },
    });
    assert.equal(
      c.raw.toString(),
      '{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[],"type":"layers"}}',
    );
    assert.equal(c.mediaType, MediaType.ociConfig);
  });
});

describe('descriptors', () => {
  it('checkDescriptor accepts a valid descriptor and size 0', () => {
    assert.equal(checkDescriptor({ ...layerDesc, size: 0 }, 'x').size, 0);
  });

  it('checkDescriptor rejects arrays and null', () => {
    assert.throws(() => checkDescriptor([], 'here'), invalid('BAD_DESCRIPTOR', /here/));
    assert.throws(() => checkDescriptor(null, 'here'), invalid('BAD_DESCRIPTOR'));
  });
});
