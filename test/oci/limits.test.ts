// Bounds on untrusted documents (oci/limits.ts): each parser refuses a document over its byte limit, nested
// deeper than the JSON limit, or with a list longer than its count limit, with LIMIT_EXCEEDED naming the
// limit; documents at the limits still parse; brackets inside strings do not count as nesting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkJsonDepth,
  documentLimit,
  LIMITS,
  type Limit,
  MediaType,
  parseImageConfig,
  parseIndex,
  parseJson,
  parseManifest,
} from '../../src/oci/index.ts';
import { PithError, sha256 } from '../../src/util/index.ts';

const desc = { mediaType: MediaType.ociLayerGzip, digest: sha256('x'), size: 1 };
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

function limitHit(limit: Limit, message: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof PithError, `expected a PithError, got ${String(err)}`);
    assert.equal(err.code, 'LIMIT_EXCEEDED');
    assert.equal(err.kind, 'invalid');
    assert.equal(err.details['limit'], limit.name);
    assert.equal(err.details['max'], limit.max);
    assert.match(err.message, message);
    return true;
  };
}

const nested = (depth: number): Buffer => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('JSON nesting', () => {
  it('accepts the limit and refuses one level more, before parsing', () => {
    const max = LIMITS.jsonDepth.max;
    assert.doesNotThrow(() => checkJsonDepth(nested(max), 'doc'));
    assert.throws(
      () => checkJsonDepth(nested(max + 1), 'doc'),
      limitHit(LIMITS.jsonDepth, /^doc: nested deeper than the limit of 64 levels of JSON nesting$/),
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: `${'['.repeat(500)}\\"${'{'.repeat(500)}` });
    assert.doesNotThrow(() => checkJsonDepth(Buffer.from(text), 'doc'));
    assert.deepEqual(parseJson(Buffer.from(text), 'doc', LIMITS.configBytes), JSON.parse(text));
  });

  it('refuses a 2 MiB document of nested arrays in one linear pass, as every parser does', () => {
    const deep = nested(1024 * 1024);
    assert.throws(() => parseIndex(deep, undefined, 'index.json'), limitHit(LIMITS.jsonDepth, /index\.json/));
    assert.throws(() => parseManifest(deep), limitHit(LIMITS.jsonDepth, /manifest/));
    assert.throws(() => parseImageConfig(deep), limitHit(LIMITS.jsonDepth, /config/));
  });
});

describe('document sizes', () => {
  it('each parser refuses bytes over its limit, naming the limit', () => {
    const pad = (n: number) => Buffer.from(`{"schemaVersion":2,"x":"${'a'.repeat(n)}"}`);
    const over = (l: Limit) => pad(l.max);
    assert.throws(
      () => parseIndex(over(LIMITS.indexBytes), undefined, 'oci:x: index.json'),
      limitHit(
        LIMITS.indexBytes,
        /^oci:x: index\.json: the document is \d+ bytes, over the 4194304-byte limit for index documents$/,
      ),
    );
    assert.throws(
      () => parseManifest(over(LIMITS.manifestBytes)),
      limitHit(LIMITS.manifestBytes, /manifests/),
    );
    assert.throws(() => parseImageConfig(over(LIMITS.configBytes)), limitHit(LIMITS.configBytes, /configs/));
  });

  it('the limit for a document read by descriptor follows its media type', () => {
    assert.equal(documentLimit(MediaType.ociIndex), LIMITS.indexBytes);
    assert.equal(documentLimit(MediaType.dockerManifestList), LIMITS.indexBytes);
    assert.equal(documentLimit(MediaType.ociManifest), LIMITS.manifestBytes);
    assert.equal(documentLimit(MediaType.ociConfig), LIMITS.configBytes);
    assert.equal(documentLimit('application/x-anything'), LIMITS.configBytes);
  });
});

describe('list lengths', () => {
  const layers = (n: number) => Array.from({ length: n }, () => desc);

  it('a manifest with up to 10,000 layers parses; one more is refused', () => {
    const manifest = (n: number) => json({ schemaVersion: 2, config: desc, layers: layers(n) });
    assert.equal(parseManifest(manifest(LIMITS.layers.max)).value.layers.length, 10_000);
    assert.throws(
      () => parseManifest(manifest(25_000), undefined, 'docker://r/x'),
      limitHit(
        LIMITS.layers,
        /^docker:\/\/r\/x: layers has 25000 entries, over the limit of 10000 layers per manifest$/,
      ),
    );
  });

  it('an index with more than 10,000 manifests is refused', () => {
    const ix = json({ schemaVersion: 2, manifests: layers(LIMITS.indexEntries.max + 1) });
    assert.throws(() => parseIndex(ix), limitHit(LIMITS.indexEntries, /manifests per index/));
  });

  it('a config with more than 10,000 diff_ids or history entries is refused', () => {
    const config = (diffIds: number, history: number) =>
      json({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: Array(diffIds).fill(desc.digest) },
        history: Array(history).fill({ created_by: 'x' }),
      });
    assert.doesNotThrow(() => parseImageConfig(config(10_000, 10_000)));
    assert.throws(
      () => parseImageConfig(config(10_001, 0)),
      limitHit(LIMITS.diffIds, /rootfs\.diff_ids has 10001/),
    );
    assert.throws(() => parseImageConfig(config(1, 10_001)), limitHit(LIMITS.history, /history has 10001/));
  });
});
