// Names that are not UTF-8 (any byte string is a valid POSIX name) are written as their exact bytes: in the
// ustar name/prefix/linkname fields when they fit, else as a PAX record marked hdrcharset=BINARY. Checked
// with Python's tarfile, GNU tar's listing and extraction, and pith's own reader (round trip).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeHeaders } from '../../src/tar/header-encode.ts';
import { nameFromBytes, nameToBytes, readTar, type TarEntry, writeTar } from '../../src/tar/index.ts';
import { parsePax } from '../../src/tar/pax.ts';
import { chunks, collect, pythonList, run, tempDir } from './helpers.ts';

const raw = (hex: string) => nameFromBytes(Buffer.from(hex, 'hex'));
const DIR = raw('646972ff'); // "dir\xff"
const SHORT = `${DIR}/${raw('636166e9')}`; // "dir\xff/caf\xe9" (Latin-1 "café")
const SPLIT = `${DIR}/${raw('fe'.repeat(60))}/${raw('fd'.repeat(90))}`; // > 100 bytes, fits prefix + name
const LONG = `${DIR}/${raw('fc'.repeat(150))}`; // > 100 bytes, no split: PAX
const TARGET = raw('74617267657480'); // "target\x80"
const LONG_TARGET = raw('fb'.repeat(120));

const base = { mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 0 };
const ENTRIES: TarEntry[] = [
  { ...base, path: DIR, type: 'dir', mode: 0o755 },
  {
    ...base,
    path: SHORT,
    type: 'file',
    size: 2,
    content: async function* () {
      yield Buffer.from('hi');
    },
  },
  { ...base, path: `${DIR}/${raw('fe'.repeat(60))}`, type: 'dir', mode: 0o755 },
  { ...base, path: SPLIT, type: 'file' },
  { ...base, path: LONG, type: 'file' },
  { ...base, path: `${DIR}/link`, type: 'symlink', mode: 0o777, linkTarget: TARGET },
  { ...base, path: `${DIR}/long-link`, type: 'symlink', mode: 0o777, linkTarget: LONG_TARGET },
];

/** The PAX records of an entry's headers (none if it has a ustar header only). */
function paxOf(e: TarEntry): Map<string, Buffer> | undefined {
  const parts = encodeHeaders(e, 0);
  return parts.length === 1 ? undefined : parsePax(parts[1]!, 0);
}

describe('raw (non-UTF-8) names', () => {
  const tmp = tempDir();
  const tarPath = join(tmp.dir, 'raw.tar');
  before(async () => writeFileSync(tarPath, await collect(writeTar(ENTRIES))));
  after(() => tmp.cleanup());

  test('fit the ustar fields as their bytes; only a name that does not fit needs PAX, with hdrcharset', () => {
    const [, short, , split, long, link, longLink] = ENTRIES as [TarEntry, ...TarEntry[]];
    assert.equal(paxOf(short!), undefined, 'short raw name: ustar name field');
    assert.equal(paxOf(split!), undefined, 'long raw name: ustar prefix + name');
    assert.equal(paxOf(link!), undefined, 'raw link target: ustar linkname');
    const block = encodeHeaders(short!, 0)[0]!;
    assert.ok(block.subarray(0, 10).equals(Buffer.from('646972ff2f636166e900', 'hex')), 'exact bytes');
    for (const [e, key] of [
      [long!, 'path'],
      [longLink!, 'linkpath'],
    ] as const) {
      const pax = paxOf(e)!;
      assert.equal(pax.get('hdrcharset')?.toString(), 'BINARY');
      const want = key === 'path' ? LONG : LONG_TARGET;
      assert.ok(pax.get(key)!.equals(nameToBytes(want)), key);
    }
  });

  test('Python tarfile reads the exact bytes', () => {
    const names = pythonList(tarPath).map((m) => [m.name, m.linkname]);
    assert.deepEqual(
      names,
      ENTRIES.map((e) => [e.path, e.linkTarget ?? '']),
    );
  });

  test('GNU tar lists and extracts the exact bytes', () => {
    const listing = run('tar', ['--quoting-style=escape', '-tf', tarPath]).trim().split('\n');
    assert.equal(listing[1], 'dir\\377/caf\\351');
    assert.equal(listing[4], `dir\\377/${'\\374'.repeat(150)}`);
    const out = join(tmp.dir, 'x');
    mkdirSync(out);
    run('tar', ['-xf', tarPath, '-C', out]);
    const dir = Buffer.from('646972ff', 'hex');
    const names = readdirSync(Buffer.concat([Buffer.from(`${out}/`), dir]), { encoding: 'buffer' })
      .map((b) => b.toString('hex'))
      .sort();
    assert.deepEqual(
      names,
      ['636166e9', 'fc'.repeat(150), 'fe'.repeat(60), '6c696e6b', '6c6f6e672d6c696e6b'].sort(),
    );
    const link = readlinkSync(Buffer.concat([Buffer.from(`${out}/`), dir, Buffer.from('/link')]), {
      encoding: 'buffer',
    });
    assert.equal(link.toString('hex'), '74617267657480');
  });

  test("pith's reader gives the same names back", async () => {
    const read = [];
    for await (const e of readTar(chunks(await collect(writeTar(ENTRIES)))))
      read.push([e.path, e.linkTarget]);
    assert.deepEqual(
      read,
      ENTRIES.map((e) => [e.path, e.linkTarget]),
    );
  });

  test('GNU tar archives with raw names (gnu and posix formats) read back exactly', async () => {
    const src = join(tmp.dir, 'src');
    run('python3', ['-c', MAKE_TREE, src]);
    for (const format of ['gnu', 'posix']) {
      const path = join(tmp.dir, `${format}.tar`);
      run('tar', [`--format=${format}`, '-cf', path, '-C', src, '.']);
      const names: string[] = [];
      for await (const e of readTar(chunks(readFileSync(path)))) names.push(e.path);
      assert.ok(names.includes(raw('636166f3e9')), `${format}: short raw name`);
      assert.ok(names.includes(raw('fa'.repeat(200))), `${format}: long raw name`);
    }
  });
});

const MAKE_TREE = `
import os, sys
os.makedirs(sys.argv[1])
for name in (b'caf\\xf3\\xe9', b'\\xfa' * 200):
    open(os.path.join(os.fsencode(sys.argv[1]), name), 'w').close()
`;
