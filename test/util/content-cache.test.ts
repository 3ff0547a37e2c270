// The content cache's streamed entries: stored under the sha256 they hash to, never left half-written, and,
// once in place, not replaced by an identical copy (a reader that hashed a file and reads parts of it later
// must find the file it hashed: two builds racing to store one decoded member), while a bad file is. A hit
// is hashed (holds, readChecked) until the cache has recorded its file unchanged since it hashed right.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ContentCache } from '../../src/util/index.ts';
import { tempDir } from '../helpers.ts';

async function* one(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}

describe('ContentCache.putStream', () => {
  it('stores a stream under its sha256 and leaves no temporary', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const bytes = Buffer.from('a decoded member');
    const { sha256, size } = await cache.putStream(one(bytes));
    assert.equal(sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(size, bytes.length);
    assert.deepEqual(await readFile(cache.file(sha256)), bytes);
    assert.deepEqual(await readdir(join(cache.dir, 'sha256')), [sha256]);
  });

  it('keeps a good file already in place (the same inode), and replaces a bad one', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const bytes = Buffer.from('the same content, stored twice');
    const { sha256 } = await cache.putStream(one(bytes));
    const first = await stat(cache.file(sha256));
    await cache.putStream(one(bytes));
    assert.equal((await stat(cache.file(sha256))).ino, first.ino, 'the file in place is kept');
    assert.deepEqual(await readdir(join(cache.dir, 'sha256')), [sha256], 'no temporary left');
    // a file that no longer hashes to its name is replaced by the good copy
    await writeFile(cache.file(sha256), 'garbage of another size');
    await cache.putStream(one(bytes));
    assert.deepEqual(await readFile(cache.file(sha256)), bytes);
    assert.deepEqual(await readdir(join(cache.dir, 'sha256')), [sha256]);
  });

  it('openChecked: an entry changed since it was checked fails at the end of its stream', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const bytes = Buffer.from('index bytes, checked once');
    const { sha256, size } = await cache.putStream(one(bytes));
    const read = async () => {
      const parts: Buffer[] = [];
      for await (const c of cache.openChecked(sha256, size)) parts.push(c);
      return Buffer.concat(parts);
    };
    assert.deepEqual(await read(), bytes);
    await writeFile(cache.file(sha256), Buffer.alloc(size, 0x41));
    await assert.rejects(read(), { code: 'CACHE_CHANGED' });
  });
});

describe('ContentCache.holds', () => {
  const settle = () => new Promise((r) => setTimeout(r, 2100)); // past STAMP_AGE_MS, so a hash is recorded

  it('hashes a fresh entry every time, and records an entry hashed once its ctime is over 2 s old', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const bytes = Buffer.from('a layer blob, checked on every hit');
    const { sha256 } = await cache.putStream(one(bytes));
    assert.equal(await cache.holds(sha256, bytes.length), true);
    assert.deepEqual(await readdir(join(cache.dir, 'checked')).catch(() => []), [], 'too new to record');
    await settle();
    assert.equal(await cache.holds(sha256, bytes.length), true);
    assert.deepEqual(await readdir(join(cache.dir, 'checked')), [sha256]);
    // recorded and unchanged: not read again
    const open = cache.open.bind(cache);
    cache.open = () => {
      throw new Error('read, though unchanged since it was hashed');
    };
    assert.equal(await cache.holds(sha256, bytes.length), true);
    assert.equal(await cache.holds(sha256, bytes.length + 1), false, 'another size is never believed');
    cache.open = open;
  });

  it('a recorded entry written in place (same size) or replaced by another file is hashed, refused and removed', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const bytes = Buffer.from('a layer blob, then changed in place');
    const { sha256 } = await cache.putStream(one(bytes));
    await settle();
    assert.equal(await cache.holds(sha256, bytes.length), true);
    const flipped = Buffer.from(bytes);
    flipped[0] = flipped[0]! ^ 1;
    await writeFile(cache.file(sha256), flipped); // same inode, same size: ctime moves
    assert.equal(await cache.holds(sha256, bytes.length), false);
    assert.equal(await stat(cache.file(sha256)).catch(() => undefined), undefined, 'the bad file is removed');
    // a good copy again, recorded, then replaced by a renamed file with the old one's times
    await cache.putStream(one(bytes));
    await settle();
    assert.equal(await cache.holds(sha256, bytes.length), true);
    const other = join(cache.dir, 'other');
    await writeFile(other, flipped);
    const was = await stat(cache.file(sha256));
    await utimes(other, was.atime, was.mtime);
    await rename(other, cache.file(sha256));
    assert.equal(await cache.holds(sha256, bytes.length), false);
  });

  it('readChecked hashes what it reads until the file is recorded, then reads it untapped; a changed file is refused', async (t) => {
    const cache = new ContentCache(await tempDir(t));
    const bytes = Buffer.from('a decoded member, parsed on every warm build');
    const { sha256 } = await cache.putStream(one(bytes));
    const taps: boolean[] = [];
    const read = (tap?: (piece: Buffer) => void) => {
      taps.push(tap !== undefined);
      return readFile(cache.file(sha256)).then((b) => {
        tap?.(b);
        return b.toString();
      });
    };
    assert.equal(await cache.readChecked(sha256, bytes.length, read), bytes.toString());
    await settle();
    assert.equal(
      await cache.readChecked(sha256, bytes.length, read),
      bytes.toString(),
      'hashed and recorded',
    );
    assert.equal(await cache.readChecked(sha256, bytes.length, read), bytes.toString(), 'believed');
    assert.deepEqual(taps, [true, true, false]);
    // a read that shows less than the file, or another size, is not believed
    assert.equal(await cache.readChecked(sha256, bytes.length + 1, read), undefined);
    const flipped = Buffer.from(bytes);
    flipped[0] = flipped[0]! ^ 1;
    await writeFile(cache.file(sha256), flipped);
    assert.equal(await cache.readChecked(sha256, bytes.length, read), undefined, 'changed: hashed, refused');
    assert.equal(await cache.readChecked('0'.repeat(64), 1, read), undefined, 'no such entry');
    assert.deepEqual(taps, [true, true, false, true, true]);
  });
});
