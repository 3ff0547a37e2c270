// readDeb with a cache: a member's decoded bytes are kept under the sha256 of its compressed bytes, so a
// second read gives exactly the same control and entries without decoding; a corrupt kept entry is
// decoded again; a member that does not decode is refused as before and nothing is kept for it.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildDeb, readDeb } from '../../src/deb-archive/index.ts';
import { bytesEntry } from '../../src/tar/index.ts';
import { ContentCache } from '../../src/util/index.ts';
import { CONTROL, chunks } from './helpers.ts';

const deb = () =>
  buildDeb({
    control: CONTROL,
    files: [
      bytesEntry('usr/share/pith/a.txt', Buffer.from('a'.repeat(5000))),
      bytesEntry('usr/bin/b', Buffer.from('b')),
    ],
    compression: 'zstd',
  });

async function cacheDir(t: { after(fn: () => void): void }): Promise<ContentCache> {
  const dir = await mkdtemp(join(tmpdir(), 'pith-decoded-'));
  const { rm } = await import('node:fs/promises');
  t.after(() => void rm(dir, { recursive: true, force: true }));
  return new ContentCache(dir);
}

const view = (d: Awaited<ReturnType<typeof readDeb>>) =>
  JSON.stringify({
    control: d.control,
    entries: d.entries.map(({ span: _, ...e }) => ({
      ...e,
      data: e.type === 'file' ? e.data.toString('base64') : undefined,
    })),
  });

describe('readDeb with a decoded-member cache', () => {
  it('reads the same package the second time, from what it kept', async (t) => {
    const bytes = await deb();
    const cache = await cacheDir(t);
    const plain = await readDeb(chunks(bytes), 'x.deb');
    const first = await readDeb(chunks(bytes), 'x.deb', { cache });
    const refs = await readdir(join(cache.dir, 'refs'));
    assert.equal(refs.length, 2, 'control.tar and data.tar kept');
    const second = await readDeb(chunks(bytes), 'x.deb', { cache });
    assert.equal(view(first), view(plain));
    assert.equal(view(second), view(plain));
    // the files' data stays in the kept data.tar, read from there when asked for
    const files = second.entries.filter((e) => e.type === 'file');
    assert.ok(files.length > 0 && files.every((e) => e.span?.file.startsWith(join(cache.dir, 'sha256'))));
    assert.ok(plain.entries.every((e) => e.span === undefined));
    // a kept entry that no longer hashes right is decoded again
    for (const name of await readdir(join(cache.dir, 'sha256')))
      await writeFile(join(cache.dir, 'sha256', name), 'garbage');
    assert.equal(view(await readDeb(chunks(bytes), 'x.deb', { cache })), view(plain));
  });

  it('refuses a member that does not decode, and keeps nothing for it', async (t) => {
    const bytes = Buffer.from(await deb());
    // flip a byte near the end: inside data.tar.zst's compressed data
    bytes[bytes.length - 20]! ^= 0xff;
    const cache = await cacheDir(t);
    await assert.rejects(readDeb(chunks(bytes), 'x.deb', { cache }), (err: Error) =>
      /x\.deb/.test(err.message),
    );
    const kept = await readdir(join(cache.dir, 'refs')).catch(() => []);
    assert.ok(kept.length <= 1, 'at most control.tar, which decoded');
  });
});
