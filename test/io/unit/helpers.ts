// Helpers for the io unit tests: snapshots of a directory tree (to prove something was left untouched), a
// finder for leftover temporary files of atomic writes, an assertion on PithErrors, and compression bombs.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar } from '../../../src/tar/index.ts';
import { PithError, sha256 } from '../../../src/util/index.ts';
import { collect, fileEntry } from '../../oci/fixtures.ts';

/** For assert.throws/rejects: a PithError with this code (and a message matching `message`). */
export function pithError(code: string, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof PithError, `expected a PithError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

/** Every path under `root` (relative, sorted), directories with a trailing '/'; nothing is opened. */
async function paths(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      out.push(d.isDirectory() ? `${p}/` : p);
      if (d.isDirectory()) await walk(p);
    }
  };
  await walk('');
  return out.sort();
}

/** Every path under `root` (relative, sorted), with a digest for files and '/' for directories. */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of await paths(root)) out[p] = p.endsWith('/') ? '/' : sha256(await readFile(join(root, p)));
  return out;
}

/** Paths under `root` that look like pith's temporary siblings (`.NAME.pith-XXXX.tmp`); reads no file. */
export async function tempLeftovers(root: string): Promise<string[]> {
  return (await paths(root)).filter((p) => /(^|\/)\.[^/]*\.pith-[0-9a-f]+\.tmp\/?$/.test(p));
}

/** The first tar header of an archive holding a blob, as an OCI layout archive may start. */
export async function imageArchiveHeader(): Promise<Buffer> {
  const tar = await collect(writeTar([fileEntry(`blobs/sha256/${'a'.repeat(64)}`, Buffer.alloc(4096))]));
  return tar.subarray(0, 512);
}

/**
 * A gzip bomb: `count` copies of one gzip member of 64 MiB of zeros (~65 KB each: 160 copies are 10 GiB
 * from 10 MB), after an optional gzipped `header`.
 */
export function zeroBomb(count: number, header?: Buffer): Buffer {
  const member = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
  return Buffer.concat([...(header ? [gzipSync(header)] : []), ...Array<Buffer>(count).fill(member)]);
}
