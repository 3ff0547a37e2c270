// The compact form of a Packages index (src/apt-repo/compact-index.ts): what is written as records come
// is read back, from bytes and from a file, as the records and Provides of the index, and a file that is
// cut short or whose header does not add up is refused by name.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compactIndexChunks, readCompactIndex } from '../../src/apt-repo/compact-index.ts';
import { readAll } from '../../src/util/index.ts';
import { tempDir } from '../helpers.ts';
import { index, records, stanza } from './fixtures.ts';

const text = index(
  stanza('libfoo1', '1.0', { Provides: 'libfoo (= 1.0), foo-virtual' }),
  stanza('bar', '2.0', { Depends: 'libfoo1 (>= 1.0)' }),
  stanza('libfoo1', '1.1', { Provides: 'foo-virtual' }),
  stanza('älter', '1:0.9', { Architecture: 'all', Essential: 'yes' }),
  stanza('bar', '1.0'),
);
const recs = records({ 'trixie/main': text }).map((r) => ({
  ...r,
  url: `http://mirror.invalid/debian/${r.filename}`,
}));

async function compact(): Promise<Buffer> {
  return readAll(compactIndexChunks([recs], 'fixture'));
}

describe('compact Packages index', () => {
  it('lists every provider of a virtual name once, in order of first appearance', async () => {
    const mta = (name: string, version: string) =>
      stanza(name, version, { Provides: 'mail-transport-agent' });
    const rs = records({
      'trixie/main': index(mta('mta-b', '1'), mta('mta-a', '1'), mta('mta-b', '2'), mta('mta-c', '1')),
    });
    const idx = readCompactIndex(await readAll(compactIndexChunks([rs], 'mta')), 'trixie/main', '', 'mta');
    assert.deepEqual(idx.providing('mail-transport-agent'), ['mta-b', 'mta-a', 'mta-c']);
  });

  it('reads back each name’s records in index order, with Provides, from bytes and from a file', async (t) => {
    const bytes = await compact();
    const file = join(await tempDir(t), 'index');
    await writeFile(file, bytes);
    for (const source of [bytes, file]) {
      const idx = readCompactIndex(source, 'trixie/main', 'http://mirror.invalid/debian/', 'fixture');
      assert.deepEqual(
        idx.named('libfoo1').map((r) => r.version),
        ['1.0', '1.1'],
      );
      assert.deepEqual(idx.named('bar'), [recs[1], recs[4]]);
      assert.deepEqual(idx.named('älter'), [recs[3]]);
      assert.deepEqual(idx.named('baz'), []);
      assert.deepEqual(idx.providing('foo-virtual'), ['libfoo1']);
      assert.deepEqual(idx.providing('libfoo'), ['libfoo1']);
      assert.deepEqual(idx.providing('bar'), []);
      assert.deepEqual([...idx.names()], ['bar', 'libfoo1', 'älter']);
      assert.deepEqual([...idx.virtuals()], ['foo-virtual', 'libfoo']);
      assert.equal(idx.all().length, 5);
    }
  });

  it('reads an index with no records', async () => {
    const idx = readCompactIndex(await readAll(compactIndexChunks([[]], 'empty')), 'o', 'b', 'empty');
    assert.deepEqual([...idx.names()], []);
    assert.deepEqual(idx.named('bar'), []);
    assert.deepEqual(idx.providing('x'), []);
  });

  it('refuses a file that is cut short, has another format, or a header that does not add up', async (t) => {
    const bytes = await compact();
    const dir = await tempDir(t);
    const open = async (b: Buffer) => {
      const file = join(dir, 'index');
      await writeFile(file, b);
      return () => readCompactIndex(file, 'o', 'b', 'Packages.xz');
    };
    assert.throws(await open(bytes.subarray(0, bytes.length - 1)), {
      code: 'BAD_COMPACT_INDEX',
      message: 'Packages.xz: the cached compact index is cut short or has another format',
    });
    assert.throws(await open(Buffer.concat([Buffer.from('PITHIDX2 '), bytes.subarray(9)])), {
      code: 'BAD_COMPACT_INDEX',
      message: 'Packages.xz: the cached compact index has another format',
    });
    // the first name's first record ends past the body
    const bodyEnd = bytes.indexOf('\n', bytes.lastIndexOf('["bar","1.0"')) + 1;
    const broken = Buffer.from(bytes);
    broken.writeUInt32LE(0xffff_fff0, bodyEnd + 4 * 4 + 4);
    assert.throws(await open(broken), {
      code: 'BAD_COMPACT_INDEX',
      message: 'Packages.xz: the cached compact index has a header that does not add up',
    });
    // a record changed in place is named when it is read
    const changed = Buffer.from(bytes);
    changed.write('{', bytes.indexOf('\n["libfoo1"') + 1);
    const idx = (await open(changed))();
    assert.deepEqual(idx.named('bar').length, 2);
    assert.throws(() => idx.named('libfoo1'), {
      code: 'BAD_COMPACT_INDEX',
      message: new RegExp(
        `records of libfoo1 are not readable; remove ${join(dir, 'index')} and build again`,
      ),
    });
    assert.equal((await readFile(join(dir, 'index'))).length, bytes.length);
  });
});
