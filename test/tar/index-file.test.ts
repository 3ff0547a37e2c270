// indexTarFile and readTarFile: offsets address each member's exact bytes (checked with createReadStream ranges), metadata
// equals readTar's (one parser), GNU tar archives index correctly, and bad files give BAD_TAR / READ_FAILED.
import assert from 'node:assert/strict';
import { createReadStream, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  type IndexedEntry,
  indexTarFile,
  readTar,
  readTarFile,
  spanContent,
  writeTar,
} from '../../src/tar/index.ts';
import { PithError } from '../../src/util/index.ts';
import { chunks, collect, fixture, has, populateSourceDir, run, tempDir } from './helpers.ts';

async function member(path: string, e: IndexedEntry): Promise<Buffer> {
  if (e.size === 0) return Buffer.alloc(0);
  return collect(createReadStream(path, { start: e.offset, end: e.offset + e.size - 1 }));
}

describe('indexTarFile', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test("maxEntries stops at the first entry over the limit, with the caller's error", async () => {
    const { entries } = fixture();
    const path = join(tmp.dir, 'counted.tar');
    writeFileSync(path, await collect(writeTar(entries)));
    assert.equal((await indexTarFile(path, { maxEntries: entries.length })).length, entries.length);
    await assert.rejects(indexTarFile(path, { maxEntries: entries.length - 1 }), /more than \d+ tar entries/);
    await assert.rejects(
      indexTarFile(path, { maxEntries: 1, onTooMany: (max) => new Error(`over ${max}`) }),
      /^Error: over 1$/,
    );
  });

  test('offsets read back exactly each member of a writeTar archive', async () => {
    const { entries, data } = fixture();
    const path = join(tmp.dir, 'fixture.tar');
    const bytes = await collect(writeTar(entries));
    writeFileSync(path, bytes);
    const index = await indexTarFile(path);
    assert.deepEqual(
      index.map((e) => e.path),
      entries.map((e) => e.path),
    );
    for (const e of index) {
      assert.equal(e.offset % 512, 0);
      if (e.type === 'file') assert.deepEqual(await member(path, e), data.get(e.path), e.path);
    }
    // same metadata as the streaming reader: one shared parser
    const read = [];
    for await (const { data: _, ...e } of readTar(chunks(bytes))) read.push(e);
    assert.deepStrictEqual(
      index.map(({ offset: _, ...e }) => e),
      read,
    );
  });

  test('indexes a GNU tar pax archive with long names and xattrs', async () => {
    const src = join(tmp.dir, 'src');
    run('mkdir', [src]);
    populateSourceDir(src);
    const path = join(tmp.dir, 'gnu.tar');
    run('tar', ['--format=pax', '--xattrs', '--xattrs-include=*', '-cf', path, '-C', src, '.']);
    const index = await indexTarFile(path);
    const files = index.filter((e) => e.type === 'file');
    assert.equal(files.length, 7);
    for (const e of files) assert.deepEqual(await member(path, e), readFileSync(join(src, e.path)), e.path);
    if (has('setfattr')) {
      const suid = files.find((e) => e.path === 'bin/suid' || e.path === 'bin/suid-hard'); // the one GNU tar met first
      assert.deepEqual(suid?.xattrs?.get('user.bin'), Buffer.from('00ff0a3d00', 'hex'));
    }
  });

  test('a truncated file is BAD_TAR at the end of the file', async () => {
    const path = join(tmp.dir, 'cut.tar');
    const bytes = await collect(writeTar(fixture().entries));
    writeFileSync(path, bytes.subarray(0, 5000));
    await assert.rejects(indexTarFile(path), (err: unknown) => {
      assert.ok(err instanceof PithError);
      assert.equal(err.code, 'BAD_TAR');
      assert.equal(err.details['offset'], 5000);
      return true;
    });
  });

  test('a bad checksum is BAD_TAR at that header', async () => {
    const path = join(tmp.dir, 'bad.tar');
    const bytes = await collect(writeTar(fixture().entries));
    bytes[1024 + 1] = bytes[1024 + 1]! ^ 0xff; // name of the third header
    writeFileSync(path, bytes);
    await assert.rejects(indexTarFile(path), (err: unknown) => {
      assert.ok(err instanceof PithError && err.code === 'BAD_TAR');
      assert.match(err.message, /byte 1024: header checksum/);
      return true;
    });
  });

  test('a missing file is an io error', async () => {
    await assert.rejects(indexTarFile(join(tmp.dir, 'nope.tar')), (err: unknown) => {
      assert.ok(err instanceof PithError);
      assert.equal(err.kind, 'io');
      assert.equal(err.code, 'READ_FAILED');
      return true;
    });
  });

  test('offsets after a 64 MiB member are exact (data skipped by offset)', async () => {
    const path = join(tmp.dir, 'big.tar');
    const size = 64 << 20;
    const big = Buffer.alloc(1 << 20, 9);
    const entries = [
      {
        path: 'big',
        type: 'file' as const,
        mode: 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        size,
        content: async function* () {
          for (let i = 0; i < 64; i++) yield big;
        },
      },
      { path: 'after', type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 },
    ];
    writeFileSync(path, await collect(writeTar(entries)));
    const index = await indexTarFile(path);
    assert.deepEqual(
      index.map((e) => [e.path, e.offset]),
      [
        ['big', 512],
        ['after', 512 + size + 512],
      ],
    );
  });
});

describe('readTarFile', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test("gives readTar's entries, each file's data read from the file when asked for, and shows every byte to tap", async () => {
    const { entries, data } = fixture();
    const path = join(tmp.dir, 'fixture.tar');
    const bytes = await collect(writeTar(entries));
    writeFileSync(path, bytes);
    const seen: Buffer[] = [];
    const read = await readTarFile(path, { tap: (piece) => seen.push(piece) });
    assert.deepEqual(Buffer.concat(seen), bytes, 'the whole file, end-of-archive blocks too');
    const whole = [];
    for await (const e of readTar(chunks(bytes))) whole.push(e);
    assert.deepStrictEqual(
      read.map(({ span: _, ...e }) => ({ ...e })),
      whole,
    );
    for (const e of read.filter((x) => x.type === 'file')) {
      assert.deepEqual(e.data, data.get(e.path), e.path);
      assert.deepEqual(await collect(spanContent(e.span!, e.size)), data.get(e.path), e.path);
    }
    assert.ok(
      read.filter((e) => e.type !== 'file').every((e) => e.span === undefined && e.data.length === 0),
    );
  });

  test('a file cut after it was read is READ_FAILED, naming it, when its data is asked for', async () => {
    const { entries } = fixture();
    const path = join(tmp.dir, 'shrinks.tar');
    writeFileSync(path, await collect(writeTar(entries)));
    const read = await readTarFile(path);
    const last = read.filter((e) => e.type === 'file' && e.size > 0).at(-1)!;
    writeFileSync(path, readFileSync(path).subarray(0, last.span!.offset + 1));
    const failed = (err: unknown) => {
      assert.ok(err instanceof PithError);
      assert.equal(err.code, 'READ_FAILED');
      assert.match(err.message, new RegExp(`cannot read ${path} at byte ${last.span!.offset}`));
      return true;
    };
    assert.throws(() => last.data, failed);
    await assert.rejects(collect(spanContent(last.span!, last.size)), failed);
  });

  test('a file replaced after it was read is not read: READ_FAILED', async () => {
    const { entries } = fixture();
    const path = join(tmp.dir, 'replaced.tar');
    const bytes = await collect(writeTar(entries));
    writeFileSync(path, bytes);
    const read = await readTarFile(path);
    writeFileSync(`${path}.new`, bytes);
    renameSync(`${path}.new`, path);
    const file = read.find((e) => e.type === 'file' && e.size > 0)!;
    assert.throws(
      () => file.data,
      (err: unknown) =>
        err instanceof PithError &&
        err.code === 'READ_FAILED' &&
        (err.cause as Error).message === 'the file was replaced since it was read',
    );
  });
});
