// Helpers for the io unit tests: snapshots of a directory tree (to prove something was left untouched) and
// a finder for leftover temporary files of atomic writes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../../src/util/index.ts';

/** Every path under `root` (relative, sorted), with a digest for files and '/' for directories. */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const d of await readdir(join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        out[`${p}/`] = '/';
        await walk(p);
      } else {
        out[p] = sha256(await readFile(join(root, p)));
      }
    }
  };
  await walk('');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Paths under `root` that look like pith's temporary siblings (`.NAME.pith-XXXX.tmp`). */
export async function tempLeftovers(root: string): Promise<string[]> {
  return Object.keys(await snapshot(root)).filter((p) => /(^|\/)\.[^/]*\.pith-[0-9a-f]+\.tmp\/?$/.test(p));
}
