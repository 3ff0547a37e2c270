// HeaderDecoder on hand-built headers: v7, old GNU, star and ustar names; PAX local/global precedence;
// GNU L/K; header-only types; and every BAD_TAR it raises.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BLOCK, F, sealChecksum, writeBytes, writeNumber } from '../../src/tar/fields.ts';
import { type Decoded, HeaderDecoder, MAX_META } from '../../src/tar/header-decode.ts';
import { encodePax } from '../../src/tar/pax.ts';
import { PithError } from '../../src/util/index.ts';

interface Spec {
  name?: string;
  flag?: string;
  size?: number;
  mode?: number;
  uid?: number;
  linkname?: string;
  magic?: 'ustar' | 'gnu' | 'v7' | 'star';
  prefix?: string;
  devmajor?: number;
}

function header(s: Spec): Buffer {
  const b = Buffer.alloc(BLOCK);
  writeBytes(b, 'name', s.name ?? 'f');
  writeNumber(b, 'mode', s.mode ?? 0o644);
  writeNumber(b, 'uid', s.uid ?? 0);
  writeNumber(b, 'gid', 0);
  writeNumber(b, 'size', s.size ?? 0);
  writeNumber(b, 'mtime', 1000);
  b.write(s.flag ?? '0', F.typeflag[0], 'latin1');
  writeBytes(b, 'linkname', s.linkname ?? '');
  const magic = s.magic ?? 'ustar';
  if (magic === 'gnu') b.write('ustar  \0', 257, 'latin1');
  if (magic === 'ustar' || magic === 'star') b.write('ustar\x0000', 257, 'latin1');
  if (magic === 'star') b.write('tar\0', 508, 'latin1');
  if (magic !== 'v7') writeNumber(b, 'devmajor', s.devmajor ?? 0);
  if (s.prefix) writeBytes(b, 'prefix', s.prefix);
  sealChecksum(b);
  return b;
}

function entryOf(d: Decoded) {
  assert.equal(d.kind, 'entry');
  return d.kind === 'entry' ? d : assert.fail();
}

const pax = (records: Record<string, string | Buffer>) =>
  encodePax(new Map(Object.entries(records).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)])));

const isBadTar = (offset: number, re?: RegExp) => (e: unknown) =>
  e instanceof PithError &&
  e.code === 'BAD_TAR' &&
  e.details['offset'] === offset &&
  (!re || re.test(e.message));

describe('HeaderDecoder names and formats', () => {
  test('ustar prefix is joined; star uses 131 bytes; old GNU and v7 ignore it', () => {
    const d = new HeaderDecoder();
    assert.equal(entryOf(d.decode(header({ name: 'n', prefix: 'p/q' }), 0)).entry.path, 'p/q/n');
    assert.equal(entryOf(d.decode(header({ name: 'n', prefix: 'p', magic: 'star' }), 0)).entry.path, 'p/n');
    assert.equal(
      entryOf(d.decode(header({ name: 'n', prefix: '17263521436', magic: 'gnu' }), 0)).entry.path,
      'n',
    );
    assert.equal(entryOf(d.decode(header({ name: 'n', magic: 'v7' }), 0)).entry.path, 'n');
  });

  test("v7 '\\0' typeflag: regular file, or dir when the name ends in '/'", () => {
    const d = new HeaderDecoder();
    const file = entryOf(d.decode(header({ name: 'a', flag: '\0', size: 3, magic: 'v7' }), 0));
    assert.deepEqual([file.entry.type, file.size], ['file', 3]);
    const dir = entryOf(d.decode(header({ name: './a/b/', flag: '\0', magic: 'v7' }), 0));
    assert.deepEqual([dir.entry.type, dir.entry.path, dir.size], ['dir', 'a/b', 0]);
  });

  test('modes are masked to 0o7777; hardlink targets normalised, symlink targets kept', () => {
    const d = new HeaderDecoder();
    assert.equal(entryOf(d.decode(header({ mode: 0o104755 }), 0)).entry.mode, 0o4755);
    assert.equal(entryOf(d.decode(header({ flag: '1', linkname: './a//b' }), 0)).entry.linkTarget, 'a/b');
    assert.equal(entryOf(d.decode(header({ flag: '2', linkname: './a//b' }), 0)).entry.linkTarget, './a//b');
  });

  test('header-only types carry no data even if size is set; GNU D dirs do', () => {
    const d = new HeaderDecoder();
    for (const flag of ['1', '2', '3', '4', '5', '6']) {
      const e = entryOf(d.decode(header({ flag, size: 99 }), 0));
      assert.deepEqual([e.size, e.entry.size], [0, 0], flag);
    }
    const dump = entryOf(d.decode(header({ flag: 'D', name: 'x/', size: 600, magic: 'gnu' }), 0));
    assert.deepEqual([dump.entry.type, dump.entry.size, dump.size], ['dir', 0, 600]);
    assert.deepEqual(d.decode(header({ flag: 'V', size: 0 }), 0), { kind: 'skip', size: 0 });
  });

  test('base-256 uid and device numbers', () => {
    const h = header({ flag: '3', uid: 5_000_000, devmajor: 259 });
    const e = entryOf(new HeaderDecoder().decode(h, 0)).entry;
    assert.deepEqual([e.uid, e.devMajor, e.devMinor], [5_000_000, 259, 0]);
  });
});

describe('HeaderDecoder meta headers', () => {
  test('GNU L and K long names apply to the next entry only', () => {
    const d = new HeaderDecoder();
    assert.deepEqual(d.decode(header({ name: '././@LongLink', flag: 'L', size: 5, magic: 'gnu' }), 0), {
      kind: 'meta',
      flag: 'L',
      size: 5,
    });
    d.applyMeta('L', Buffer.from('./lo/ng\0'), 0);
    d.applyMeta('K', Buffer.from('target\0junk'), 1024);
    const e = entryOf(d.decode(header({ name: 'short', flag: '2', magic: 'gnu' }), 2048)).entry;
    assert.deepEqual([e.path, e.linkTarget], ['lo/ng', 'target']);
    assert.equal(entryOf(d.decode(header({ name: 'next' }), 2560)).entry.path, 'next');
  });

  test('PAX local records override the header, then are forgotten', () => {
    const d = new HeaderDecoder();
    d.applyMeta(
      'x',
      pax({ path: 'ü/long', uid: '3000000', mtime: '12.9', 'SCHILY.xattr.user.a': Buffer.from([0, 255]) }),
      0,
    );
    const e = entryOf(d.decode(header({ name: 'ignored', uid: 1 }), 1024)).entry;
    assert.deepEqual([e.path, e.uid, e.mtime], ['ü/long', 3_000_000, 12]);
    assert.deepEqual(e.xattrs, new Map([['user.a', Buffer.from([0, 255])]]));
    const next = entryOf(d.decode(header({ name: 'n', uid: 1 }), 1536)).entry;
    assert.deepEqual([next.path, next.uid, next.xattrs], ['n', 1, undefined]);
  });

  test('PAX size decides the data length; an empty value falls back to the header', () => {
    const d = new HeaderDecoder();
    d.applyMeta('x', pax({ size: '1234' }), 0);
    assert.equal(entryOf(d.decode(header({ size: 1 }), 1024)).size, 1234);
    d.applyMeta('x', pax({ path: '' }), 0);
    assert.equal(entryOf(d.decode(header({ name: 'hdr' }), 1024)).entry.path, 'hdr');
  });

  test('PAX global records apply to all later entries; local ones win; globals never set path/size', () => {
    const d = new HeaderDecoder();
    d.applyMeta('g', pax({ uid: '7', path: 'nope', size: '5', 'SCHILY.xattr.user.g': 'G' }), 0);
    const a = entryOf(d.decode(header({ name: 'a', size: 1 }), 1024));
    assert.deepEqual(
      [a.entry.path, a.entry.uid, a.size, a.entry.xattrs?.get('user.g')?.toString()],
      ['a', 7, 1, 'G'],
    );
    d.applyMeta('x', pax({ uid: '8' }), 1536);
    assert.equal(entryOf(d.decode(header({ name: 'b' }), 2560)).entry.uid, 8);
    assert.equal(entryOf(d.decode(header({ name: 'c' }), 3072)).entry.uid, 7);
    d.applyMeta('g', pax({ uid: '' }), 3584);
    assert.equal(entryOf(d.decode(header({ name: 'd', uid: 3 }), 4608)).entry.uid, 3);
  });
});

describe('HeaderDecoder errors', () => {
  test('bad checksum, unsupported types, sparse, oversize meta, dangling meta', () => {
    const h = header({});
    h[0] = 0x67;
    assert.throws(() => new HeaderDecoder().decode(h, 512), isBadTar(512, /checksum/));
    assert.throws(() => new HeaderDecoder().decode(header({ flag: 'S' }), 0), isBadTar(0, /unsupported/));
    assert.throws(
      () => new HeaderDecoder().applyMeta('x', pax({ 'GNU.sparse.major': '1' }), 0),
      isBadTar(512, /sparse/),
    );
    assert.throws(
      () => new HeaderDecoder().decode(header({ flag: 'x', size: MAX_META + 1 }), 0),
      isBadTar(0, /larger/),
    );
    assert.throws(
      () => new HeaderDecoder().applyMeta('x', Buffer.from('5 a=b'), 1024),
      isBadTar(1536, /PAX record/),
    );
    const d = new HeaderDecoder();
    d.applyMeta('L', Buffer.from('x'), 0);
    assert.throws(() => d.decode(Buffer.alloc(BLOCK), 1024), isBadTar(1024, /not followed by an entry/));
    assert.throws(
      () => {
        const d2 = new HeaderDecoder();
        d2.applyMeta('x', pax({ uid: 'abc' }), 0);
        d2.decode(header({}), 1024);
      },
      isBadTar(1024, /uid/),
    );
  });
});
