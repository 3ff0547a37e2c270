// encodeHeaders: the exact ustar layout, prefix splitting, when PAX is used, Go-style PaxHeader names,
// numbers that overflow ustar, and entry validation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TarEntry } from '../../src/tar/entry.ts';
import { BLOCK, checksum, readNumber, readString } from '../../src/tar/fields.ts';
import { HeaderDecoder } from '../../src/tar/header-decode.ts';
import { encodeHeaders } from '../../src/tar/header-encode.ts';
import { parsePax } from '../../src/tar/pax.ts';
import { PithError } from '../../src/util/index.ts';

const base: TarEntry = {
  path: 'etc/passwd',
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: 1_700_000_000,
  size: 10,
};

/** Splits encodeHeaders output into its PAX records (if any) and the ustar block. */
function encode(e: Partial<TarEntry>) {
  const entry = { ...base, ...e };
  const parts = encodeHeaders(entry, entry.mtime);
  const ustar = parts.at(-1)!;
  assert.equal(ustar.length, BLOCK);
  if (parts.length === 1) return { ustar, pax: undefined, paxHeader: undefined };
  assert.equal(parts.length, 4);
  const [paxHeader, payload, pad] = parts as [Buffer, Buffer, Buffer];
  assert.equal((payload.length + pad.length) % BLOCK, 0);
  assert.ok(pad.equals(Buffer.alloc(pad.length)));
  return { ustar, paxHeader, pax: parsePax(payload, 0) };
}

describe('encodeHeaders: ustar block', () => {
  test('field layout, empty uname/gname, valid checksum', () => {
    const { ustar, pax } = encode({ uid: 65532, gid: 65532, mode: 0o104755 });
    assert.equal(pax, undefined);
    assert.equal(ustar.toString('latin1', 0, 11), 'etc/passwd\0');
    assert.equal(ustar.toString('latin1', 100, 108), '0004755\0', 'mode masked to 0o7777');
    assert.equal(ustar.toString('latin1', 108, 116), '0177774\0');
    assert.equal(ustar.toString('latin1', 124, 136), '00000000012\0');
    assert.equal(ustar.toString('latin1', 136, 148), '14524770400\0');
    assert.equal(ustar.toString('latin1', 156, 157), '0');
    assert.equal(ustar.toString('latin1', 257, 265), 'ustar\x0000');
    assert.ok(ustar.subarray(265, 329).equals(Buffer.alloc(64)), 'uname and gname empty');
    assert.equal(ustar.toString('latin1', 329, 345), '0000000\x000000000\0');
    assert.ok(ustar.subarray(345).equals(Buffer.alloc(167)), 'no prefix, no atime/ctime');
    assert.equal(readNumber(ustar, 'chksum', 0), checksum(ustar));
  });

  test('type flags, directory slash, root as ./, devices, link names', () => {
    const cases: [Partial<TarEntry>, string, string][] = [
      [{ type: 'dir', path: 'usr', size: 0 }, '5', 'usr/'],
      [{ type: 'dir', path: '', size: 0 }, '5', './'],
      [{ type: 'hardlink', path: 'b', linkTarget: 'a', size: 0 }, '1', 'b'],
      [{ type: 'symlink', path: 's', linkTarget: '../x', size: 0 }, '2', 's'],
      [{ type: 'char', path: 'dev/null', devMajor: 1, devMinor: 3, size: 0 }, '3', 'dev/null'],
      [{ type: 'block', path: 'dev/loop0', devMajor: 7, devMinor: 0, size: 0 }, '4', 'dev/loop0'],
      [{ type: 'fifo', path: 'p', size: 0 }, '6', 'p'],
    ];
    for (const [e, flag, name] of cases) {
      const { ustar } = encode(e);
      assert.equal(String.fromCharCode(ustar[156]!), flag);
      assert.equal(readString(ustar, 'name'), name);
      assert.equal(readNumber(ustar, 'size', 0), 0);
      assert.equal(readString(ustar, 'linkname'), e.linkTarget ?? '');
      assert.equal(readNumber(ustar, 'devmajor', 0), e.devMajor ?? 0);
      assert.equal(readNumber(ustar, 'devminor', 0), e.devMinor ?? 0);
    }
  });

  test('a 256-char path splits into prefix + name without PAX', () => {
    const path = `${'d'.repeat(100)}/${'e'.repeat(54)}/${'f'.repeat(100)}`;
    const { ustar, pax } = encode({ path });
    assert.equal(pax, undefined);
    assert.equal(readString(ustar, 'prefix'), path.slice(0, 155));
    assert.equal(readString(ustar, 'name'), 'f'.repeat(100));
  });
});

describe('encodeHeaders: PAX only where needed', () => {
  test('long path, non-ASCII path, long linkpath', () => {
    assert.deepEqual(
      encode({ path: 'n'.repeat(101) })
        .pax?.get('path')
        ?.toString(),
      'n'.repeat(101),
    );
    assert.deepEqual(encode({ path: 'ü' }).pax?.get('path'), Buffer.from('ü'));
    const { pax, ustar } = encode({ type: 'symlink', size: 0, path: 'l', linkTarget: `/${'é'.repeat(60)}` });
    assert.deepEqual([...pax!.keys()], ['linkpath']);
    assert.equal(readString(ustar, 'linkname'), '/', 'ASCII best effort in the field');
    assert.equal(encode({ type: 'symlink', size: 0, path: 'l', linkTarget: 'x'.repeat(100) }).pax, undefined);
  });

  test('numbers beyond ustar go to PAX with 0 in the field', () => {
    const { ustar, pax } = encode({ uid: 2_097_152, gid: 2_097_151, size: 2 ** 33, mtime: -5 });
    assert.deepEqual(Object.fromEntries([...pax!].map(([k, v]) => [k, v.toString()])), {
      uid: '2097152',
      size: '8589934592',
      mtime: '-5',
    });
    assert.equal(readNumber(ustar, 'uid', 0), 0);
    assert.equal(readNumber(ustar, 'gid', 0), 2_097_151);
    assert.equal(readNumber(ustar, 'size', 0), 0);
    assert.equal(readNumber(ustar, 'mtime', 0), 0);
    // and the decoder puts them back together
    const parts = encodeHeaders({ ...base, uid: 2_097_152, size: 2 ** 33, mtime: 2 ** 34 }, 2 ** 34);
    const dec = new HeaderDecoder();
    const h = dec.decode(parts[0]!, 0);
    assert.equal(h.kind, 'meta');
    dec.applyMeta('x', parts[1]!, 0);
    const got = dec.decode(parts[3]!, 1024);
    assert.ok(got.kind === 'entry');
    assert.deepEqual(
      [got.entry.uid, got.entry.size, got.entry.mtime, got.size],
      [2_097_152, 2 ** 33, 2 ** 34, 2 ** 33],
    );
  });

  test('xattrs as SCHILY.xattr.* with raw values', () => {
    const raw = Buffer.from([0, 0xff, 0x0a, 0x3d]);
    const { pax } = encode({ xattrs: new Map([['security.capability', raw]]) });
    assert.deepEqual(pax, new Map([['SCHILY.xattr.security.capability', raw]]));
  });
});

describe('encodeHeaders: PaxHeader block like Go archive/tar', () => {
  test('names: <dir>/PaxHeaders.0/<base>, ASCII only, ≤ 100 bytes, no trailing slash', () => {
    const name = (e: Partial<TarEntry>) => readString(encode(e).paxHeader!, 'name');
    assert.equal(name({ path: 'ü' }), 'PaxHeaders.0');
    assert.equal(name({ path: 'usr/share/ünï/日本.txt' }), 'usr/share/n/PaxHeaders.0/.txt');
    assert.equal(name({ path: 'x'.repeat(150) }), `PaxHeaders.0/${'x'.repeat(87)}`);
    assert.equal(name({ path: 'd'.repeat(120), type: 'dir', size: 0 }), 'd'.repeat(100)); // 'd…/PaxHeaders.0' cut
    assert.equal(name({ path: `${'d'.repeat(99)}/é`, type: 'dir', size: 0 }), 'd'.repeat(99));
  });

  test('mode/uid/gid/mtime 0, typeflag x, size = payload, valid checksum', () => {
    const parts = encodeHeaders({ ...base, path: 'é', uid: 5, mtime: 77 }, 77);
    const h = parts[0]!;
    for (const f of ['mode', 'uid', 'gid', 'mtime'] as const) assert.equal(readNumber(h, f, 0), 0, f);
    assert.equal(readNumber(h, 'size', 0), parts[1]!.length);
    assert.equal(String.fromCharCode(h[156]!), 'x');
    assert.equal(readNumber(h, 'chksum', 0), checksum(h));
  });
});

describe('encodeHeaders: validation', () => {
  const bad: Partial<TarEntry>[] = [
    { uid: -1 },
    { gid: 1.5 },
    { size: -1 },
    { path: '' },
    { path: 'a\0b' },
    { type: 'symlink', linkTarget: 'x\0' },
    { mtime: Number.NaN },
    { xattrs: new Map([['a=b', Buffer.alloc(1)]]) },
    { xattrs: new Map([['', Buffer.alloc(1)]]) },
  ];
  for (const e of bad) {
    test(`rejects ${JSON.stringify(e, (_, v) => (v instanceof Map ? [...v.keys()] : v))}`, () => {
      assert.throws(
        () => encode(e),
        (err: unknown) => err instanceof PithError && err.code === 'BAD_ENTRY',
      );
    });
  }
});
