// PAX record codec: self-describing lengths across digit boundaries, sorted keys, binary values, errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodePax, parsePax, paxNumber } from '../../src/tar/pax.ts';
import { PithError } from '../../src/util/index.ts';

const isBadTar = (offset: number) => (e: unknown) =>
  e instanceof PithError && e.code === 'BAD_TAR' && e.details['offset'] === offset;

describe('encodePax', () => {
  test('record lengths count themselves, also across a digit boundary', () => {
    assert.equal(encodePax(new Map([['path', Buffer.from('abc')]])).toString(), '12 path=abc\n');
    for (const n of [1, 80, 89, 90, 91, 95, 96, 97, 98, 99, 990, 995, 996, 997]) {
      const rec = encodePax(new Map([['k', Buffer.alloc(n, 0x61)]]));
      assert.equal(Number(rec.toString('latin1').split(' ')[0]), rec.length, `value length ${n}`);
    }
  });

  test('keys sorted bytewise, values raw', () => {
    const value = Buffer.from([0, 0xff, 0x0a, 0x3d, 0x20]);
    const m = new Map([
      ['uid', Buffer.from('3000000')],
      ['SCHILY.xattr.user.z', value],
      ['SCHILY.xattr.user.a', Buffer.alloc(0)],
      ['gid', Buffer.from('1')],
    ]);
    const enc = encodePax(m);
    const keys = [...parsePax(enc, 0).keys()];
    assert.deepEqual(keys, ['SCHILY.xattr.user.a', 'SCHILY.xattr.user.z', 'gid', 'uid']);
    assert.deepEqual(parsePax(enc, 0), m);
  });
});

describe('parsePax', () => {
  test('tolerates trailing NUL padding', () => {
    const enc = Buffer.concat([encodePax(new Map([['path', Buffer.from('x')]])), Buffer.alloc(20)]);
    assert.deepEqual([...parsePax(enc, 0).keys()], ['path']);
  });

  test('values may contain newlines and =', () => {
    const m = parsePax(Buffer.from('15 k=a\nb=c\nd=e\n'), 0);
    assert.equal(m.get('k')?.toString(), 'a\nb=c\nd=e');
  });

  test('rejects malformed records with their offset', () => {
    const bad: [string, number][] = [
      ['12 path=ab\n', 100], // length too long
      ['x path=abc\n', 100],
      ['11 path=abc', 100], // missing newline
      ['8 abcde\n', 100], // no '='
      ['6 =ab\n', 100], // empty key
      ['12 path=abc\n5 k=\nxx', 117], // second record fine, then junk
      ['0 \n', 100],
    ];
    for (const [text, at] of bad)
      assert.throws(() => parsePax(Buffer.from(text), 100), isBadTar(at), JSON.stringify(text));
  });
});

describe('paxNumber', () => {
  test('integers, and fractional or negative mtimes floored', () => {
    assert.equal(paxNumber('uid', Buffer.from('3000000'), 0), 3_000_000);
    assert.equal(paxNumber('mtime', Buffer.from('1700000000.75'), 0, true), 1_700_000_000);
    assert.equal(paxNumber('mtime', Buffer.from('-1.5'), 0, true), -2);
    for (const [v, frac] of [
      ['-1', false],
      ['1.5', false],
      ['', false],
      ['1e3', true],
      ['abc', true],
    ] as const) {
      assert.throws(() => paxNumber('x', Buffer.from(v), 7, frac), isBadTar(7), v);
    }
  });
});
