// Header field codecs: octal and base-256 numbers, string fields, checksums.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BLOCK,
  checksum,
  isZeroBlock,
  octalMax,
  padding,
  readNumber,
  readString,
  sealChecksum,
  verifyChecksum,
  writeBytes,
  writeNumber,
} from '../../src/tar/fields.ts';
import { PithError } from '../../src/util/index.ts';

const isBadTar = (offset: number) => (e: unknown) =>
  e instanceof PithError && e.code === 'BAD_TAR' && e.details['offset'] === offset;

describe('numbers', () => {
  test('octal with NUL terminator, as Go and GNU tar write', () => {
    const b = Buffer.alloc(BLOCK);
    writeNumber(b, 'mode', 0o4755);
    assert.equal(b.toString('latin1', 100, 108), '0004755\0');
    writeNumber(b, 'size', octalMax('size'));
    assert.equal(b.toString('latin1', 124, 136), '77777777777\0');
    assert.equal(readNumber(b, 'size', 0), 8 ** 11 - 1);
  });

  test('base-256 when octal does not fit, both signs', () => {
    for (const v of [octalMax('uid') + 1, 2 ** 40 + 3, -1, -5, -(2 ** 40)]) {
      const b = Buffer.alloc(BLOCK);
      writeNumber(b, 'uid', v);
      assert.ok(b[108]! & 0x80, String(v));
      assert.equal(readNumber(b, 'uid', 0), v);
    }
    const b = Buffer.alloc(BLOCK);
    writeNumber(b, 'mtime', -1);
    assert.ok(b.subarray(136, 148).equals(Buffer.alloc(12, 0xff)));
  });

  test('lenient octal: spaces and NULs around the digits, empty is 0', () => {
    const b = Buffer.alloc(BLOCK);
    b.write('  644 \0', 100, 'latin1');
    assert.equal(readNumber(b, 'mode', 0), 0o644);
    assert.equal(readNumber(b, 'uid', 0), 0);
    b.write('\t755\t\0', 100, 'latin1'); // tabs too, as trim() would drop them
    assert.equal(readNumber(b, 'mode', 0), 0o755);
    b.write('777777777777', 124, 'latin1'); // all twelve bytes digits, no NUL: the field ends at its width
    b.write('1', 136, 'latin1');
    assert.equal(readNumber(b, 'size', 0), 8 ** 12 - 1);
  });

  test('non-octal garbage is BAD_TAR at the header offset', () => {
    const b = Buffer.alloc(BLOCK);
    b.write('12x4', 108, 'latin1');
    assert.throws(() => readNumber(b, 'uid', 4096), isBadTar(4096));
    b.write('6 4\0', 116, 'latin1'); // a blank inside the digits is not octal either
    assert.throws(() => readNumber(b, 'gid', 0), /gid field is not octal: "6 4"/);
  });

  test('padding to whole blocks', () => {
    assert.deepEqual([0, 1, 511, 512, 513].map(padding), [0, 511, 1, 0, 511]);
  });
});

describe('strings and checksums', () => {
  test('string fields stop at NUL or the field width', () => {
    const b = Buffer.alloc(BLOCK);
    writeBytes(b, 'name', 'x'.repeat(100));
    b.write('ustar', 257); // right after the name field
    assert.equal(readString(b, 'name'), 'x'.repeat(100));
    writeBytes(b, 'linkname', 'ünï');
    assert.equal(readString(b, 'linkname'), 'ünï');
  });

  test('sealed checksum verifies; any flipped byte does not', () => {
    const b = Buffer.alloc(BLOCK);
    writeBytes(b, 'name', 'etc/passwd');
    sealChecksum(b);
    assert.equal(b.toString('latin1', 148, 156), `${checksum(b).toString(8).padStart(6, '0')}\0 `);
    verifyChecksum(b, 0);
    for (const at of [0, 150, 300, 511]) {
      const c = Buffer.from(b);
      c[at] = c[at]! ^ 0x40;
      assert.throws(() => verifyChecksum(c, 1536), isBadTar(1536), `byte ${at}`);
    }
  });

  test('signed checksums of historic tars are accepted', () => {
    const b = Buffer.alloc(BLOCK);
    b[0] = 0xff;
    b.write('ustar', 257);
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) signed += i >= 148 && i < 156 ? 0x20 : (b[i]! << 24) >> 24;
    b.write(`${signed.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    verifyChecksum(b, 0);
  });

  test('zero blocks', () => {
    const b = Buffer.alloc(BLOCK);
    assert.equal(isZeroBlock(b), true);
    b[511] = 1;
    assert.equal(isZeroBlock(b), false);
  });
});
