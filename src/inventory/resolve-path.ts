// A path as the image's file system resolves it: symlinks among its parent directories are followed
// (merged /usr: dpkg lists /lib/x86_64-linux-gnu/libc.so.6, the image holds usr/lib/…), within the root and
// within a bounded number of hops, so a package's files are found where they really are.
import { posix } from 'node:path';
import type { InventoryFile } from './types.ts';

/** Symlinks followed at most while resolving one path (Linux's own bound is 40). */
const MAX_HOPS = 40;

/** The path an existing entry has for `path` (parents' symlinks followed, the last part not), or undefined. */
export function resolveInImage(files: ReadonlyMap<string, InventoryFile>, path: string): string | undefined {
  if (files.has(path)) return path;
  let parts = path.split('/').filter((s) => s !== '' && s !== '.');
  let hops = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    const prefix = parts.slice(0, i + 1).join('/');
    const entry = files.get(prefix);
    if (!entry) return undefined;
    if (entry.type !== 'symlink' || entry.linkTarget === undefined) continue;
    if (++hops > MAX_HOPS) return undefined;
    const base = entry.linkTarget.startsWith('/') ? '/' : `/${parts.slice(0, i).join('/')}`;
    const target = posix.normalize(posix.join(base, entry.linkTarget)).replace(/^\/+/, '');
    parts = [...target.split('/').filter(Boolean), ...parts.slice(i + 1)];
    i = -1; // resolve the rewritten path from its start
  }
  const resolved = parts.join('/');
  return files.has(resolved) ? resolved : undefined;
}
