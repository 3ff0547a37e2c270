// Names as bytes: nameFromBytes decodes exactly as Python's surrogateescape does (the oracle), nameToBytes
// gives the original bytes back, valid UTF-8 is untouched, and one name has one spelling.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalName, isRawName, nameFromBytes, nameToBytes } from '../../src/tar/name-bytes.ts';
import { normalizeImagePath } from '../../src/tar/safe-path.ts';
import { run } from './helpers.ts';

/** Valid and invalid UTF-8: stray continuation bytes, overlongs, encoded surrogates, truncated sequences. */
const SAMPLES = [
  '',
  '61',
  'c3a9',
  'e697a5e69cace8aa9e',
  'f09f9880',
  'ff',
  '80',
  'caf3e9',
  'c0af',
  'e080af',
  'eda080',
  'edbfbf',
  'f4908080',
  'f88080808080',
  'e282',
  'f09f98',
  '61e2',
  'c3',
  'efbfbd',
  'c3a9ff',
  'ff2f80c3a92ffe',
  '64c3a8ff2fe282ac',
].map((h) => Buffer.from(h, 'hex'));

const PY_DECODE = `
import json, sys
print(json.dumps([bytes.fromhex(h).decode('utf-8', 'surrogateescape') for h in sys.argv[1:]]))
`;

describe('name-bytes', () => {
  test('decodes like Python surrogateescape and round-trips every byte string', () => {
    const python = JSON.parse(run('python3', ['-c', PY_DECODE, ...SAMPLES.map((b) => b.toString('hex'))]));
    SAMPLES.forEach((b, i) => {
      const s = nameFromBytes(b);
      assert.equal(s, python[i], `decoding ${b.toString('hex')}`);
      assert.ok(nameToBytes(s).equals(b), `round trip of ${b.toString('hex')}`);
    });
  });

  test('every single byte and every byte pair round-trips', () => {
    for (let a = 0; a < 256; a++) {
      for (let c = 0; c < 256; c += 7) {
        const b = Buffer.of(a, c);
        assert.ok(nameToBytes(nameFromBytes(b)).equals(b), b.toString('hex'));
      }
    }
  });

  test('valid UTF-8 is decoded as usual and encodes as Buffer.from does', () => {
    for (const s of ['etc/passwd', 'usr/share/ünïcødé/日本語-😀.txt', '\uFFFD']) {
      assert.equal(nameFromBytes(Buffer.from(s)), s);
      assert.ok(nameToBytes(s).equals(Buffer.from(s, 'utf8')));
      assert.equal(isRawName(s), false);
    }
  });

  test('a surrogate pair is not mistaken for an escaped byte', () => {
    const s = '\u{10080}'; // D800 DC80: the low half is in the escape range
    assert.equal(isRawName(s), false);
    assert.ok(nameToBytes(s).equals(Buffer.from(s, 'utf8')));
  });

  test('escaped bytes that spell valid UTF-8 have one spelling in paths', () => {
    const escaped = '\uDCC3\uDCA9'; // the bytes of "é", written as two escapes
    assert.equal(isRawName(escaped), true);
    assert.equal(canonicalName(`a/${escaped}`), 'a/é');
    assert.equal(normalizeImagePath(`/a/${escaped}/`), 'a/é');
    assert.equal(normalizeImagePath('/a/caf\uDCE9'), 'a/caf\uDCE9');
  });
});
