// Digest grammar (image-spec descriptor.md §Digests) and the sha256 helpers.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { digestStream, hasherFor, isDigest, PithError, sha256, splitDigest } from '../../src/util/index.ts';

const HEX64 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const HEX128 = '0123456789abcdef'.repeat(8);
const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('isDigest', () => {
  it('accepts sha256 with 64 lowercase hex', () => {
    assert.equal(isDigest(`sha256:${HEX64}`), true);
    assert.equal(isDigest(EMPTY_SHA256), true);
  });

  it('rejects sha256 with uppercase hex', () => {
    assert.equal(isDigest(`sha256:${HEX64.toUpperCase()}`), false);
    assert.equal(isDigest(`sha256:${HEX64.slice(0, 63)}A`), false);
  });

  it('rejects sha256 of the wrong length', () => {
    assert.equal(isDigest(`sha256:${HEX64.slice(1)}`), false);
    assert.equal(isDigest(`sha256:${HEX64}0`), false);
    assert.equal(isDigest(`sha256:${HEX128}`), false);
  });

  it('accepts sha512 with exactly 128 lowercase hex', () => {
    assert.equal(isDigest(`sha512:${HEX128}`), true);
    assert.equal(isDigest(`sha512:${HEX64}`), false);
    assert.equal(isDigest(`sha512:${HEX128}0`), false);
    assert.equal(isDigest(`sha512:${HEX128.toUpperCase()}`), false);
  });

  it('accepts an unknown algorithm that fits the grammar', () => {
    assert.equal(isDigest(`blake3:${HEX64}`), true);
    assert.equal(isDigest('multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8'), true);
    assert.equal(isDigest('a.b_c-d+e:AbC=_-x'), true);
  });

  it('rejects strings outside the grammar', () => {
    for (const bad of [
      '',
      'sha256',
      `:${HEX64}`,
      'sha256:',
      `SHA256:${HEX64}`,
      `sha256 :${HEX64}`,
      'foo:ab cd',
      'foo:ab/cd',
      'foo..bar:abc',
      '-foo:abc',
      'foo-:abc',
      'foo:abc:def',
    ]) {
      assert.equal(isDigest(bad), false, bad);
    }
  });

  it('rejects non-strings', () => {
    for (const bad of [undefined, null, 42, {}, [`sha256:${HEX64}`]]) assert.equal(isDigest(bad), false);
  });
});

describe('sha256 helpers', () => {
  it('sha256 of the empty input is the well-known value', () => {
    assert.equal(sha256(''), EMPTY_SHA256);
    assert.equal(sha256(Buffer.alloc(0)), EMPTY_SHA256);
  });

  it('splitDigest separates algorithm and encoded part', () => {
    assert.deepEqual(splitDigest(`sha512:${HEX128}`), { algorithm: 'sha512', encoded: HEX128 });
  });

  it('digestStream hashes chunks and counts bytes', async () => {
    const data = Buffer.from('hello, digest stream');
    async function* parts() {
      yield data.subarray(0, 5);
      yield data.subarray(5);
    }
    assert.deepEqual(await digestStream(parts()), { digest: sha256(data), size: data.length });
    const s512 = await digestStream(parts(), 'sha512');
    assert.equal(s512.digest, `sha512:${createHash('sha512').update(data).digest('hex')}`);
    assert.equal(isDigest(s512.digest), true);
  });

  it('hasherFor supports sha256/sha512 and refuses other algorithms', () => {
    assert.equal(hasherFor(`sha256:${HEX64}`).update('x').digest('hex'), sha256('x').slice(7));
    assert.throws(
      () => hasherFor(`blake3:${HEX64}`),
      (err: unknown) => err instanceof PithError && err.code === 'UNSUPPORTED_DIGEST',
    );
  });
});
