// canonicalJson: sorted keys at every depth, undefined members dropped, arrays in their order, compact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, canonicalJsonBytes } from '../../src/util/index.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth, including objects inside arrays', () => {
    const value = { b: 1, a: { z: [{ y: 1, x: 2 }], c: { f: 1, e: 2 } } };
    assert.equal(canonicalJson(value), '{"a":{"c":{"e":2,"f":1},"z":[{"x":2,"y":1}]},"b":1}');
  });

  it('sorts by UTF-16 code unit (uppercase before lowercase, not locale order)', () => {
    assert.equal(canonicalJson({ b: 1, a: 2, B: 3, _: 4, Z: 5 }), '{"B":3,"Z":5,"_":4,"a":2,"b":1}');
  });

  it('sorts integer-like keys by code unit too (e.g. ExposedPorts "80" and "443")', () => {
    // JS objects list integer-like keys first in numeric order; a code-unit sort must not let that leak.
    assert.equal(canonicalJson({ '80': {}, '443': {}, '8080/tcp': {} }), '{"443":{},"80":{},"8080/tcp":{}}');
    assert.equal(canonicalJson({ b: 1, '10': 2, '9': 3 }), '{"10":2,"9":3,"b":1}');
  });

  it('does not depend on insertion order', () => {
    const one = { os: 'linux', architecture: 'amd64', config: { Env: ['A=1'], Cmd: ['x'] } };
    const two = { config: { Cmd: ['x'], Env: ['A=1'] }, architecture: 'amd64', os: 'linux' };
    assert.equal(canonicalJson(one), canonicalJson(two));
  });

  it('drops undefined members at every depth', () => {
    assert.equal(
      canonicalJson({ a: undefined, b: { c: undefined, d: 1 }, e: [{ f: undefined }] }),
      '{"b":{"d":1},"e":[{}]}',
    );
  });

  it('keeps array order and null values', () => {
    assert.equal(canonicalJson({ l: [3, 1, 2, 'b', 'a'], n: null }), '{"l":[3,1,2,"b","a"],"n":null}');
  });

  it('has no insignificant whitespace and handles scalars', () => {
    assert.equal(canonicalJson({ s: 'a b', n: 1.5, t: true }), '{"n":1.5,"s":"a b","t":true}');
    assert.equal(canonicalJson('x'), '"x"');
    assert.equal(canonicalJson(7), '7');
    assert.equal(canonicalJson(null), 'null');
  });

  it('canonicalJsonBytes is the UTF-8 encoding', () => {
    const bytes = canonicalJsonBytes({ é: 'ü' });
    assert.ok(Buffer.isBuffer(bytes));
    assert.deepEqual(bytes, Buffer.from('{"é":"ü"}', 'utf8'));
    assert.equal(bytes.length, 11);
  });
});
