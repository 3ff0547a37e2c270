// The directories ldconfig scans, in its order: those of etc/ld.so.conf (comments, `include` globs
// relative to the including file, `dir=libc6` types, `hwcap` lines ignored; a missing file is ignored),
// then Debian's built-in search path /lib/<triplet>, /usr/lib/<triplet>, /lib, /usr/lib (Debian's
// local-ldconfig-multiarch patch adds ld.so's system dirs, which carry a trailing '/', so glibc's lib64
// expansion never applies). A directory resolving to the same place as an earlier one (ldconfig compares
// st_ino/st_dev) is a duplicate: it keeps the first spelling (merged /usr) and takes the later flag.

import { FLAG_ANY, LIB_TYPES } from './flags.ts';
import { glob } from './glob.ts';
import type { RootView } from './root-view.ts';

export interface DirEntry {
  /** As spelled in the configuration (trailing whitespace and slashes removed); recorded in the cache. */
  path: string;
  /** Resolved in-tree path: the directory's identity (ldconfig's st_ino/st_dev). */
  canon: string;
  flag: number;
}

/** The directories to scan, configured ones first, then Debian's built-in ones. */
export async function searchDirs(root: RootView, triplet: string): Promise<DirEntry[]> {
  const dirs: DirEntry[] = [];
  const add = (line: string): void => addDir(root, dirs, line);
  await parseConf(root, '/etc/ld.so.conf', add, 0);
  for (const d of [`/lib/${triplet}`, `/usr/lib/${triplet}`, '/lib', '/usr/lib']) add(d);
  return dirs;
}

/** add_dir: one `dir[=type]` line; a missing directory is skipped, a duplicate only updates the flag. */
function addDir(root: RootView, dirs: DirEntry[], line: string): void {
  let path = line;
  let flag = FLAG_ANY;
  const eq = path.indexOf('=');
  if (eq >= 0) {
    flag = LIB_TYPES[path.slice(eq + 1)] ?? FLAG_ANY;
    path = path.slice(0, eq);
  }
  path = path.replace(/[ \t\n\v\f\r]+$/, '').replace(/\/+$/, '');
  if (path === '') return;
  const st = root.stat(path);
  if (!st) return;
  const dup = dirs.find((d) => d.canon === st.path);
  if (dup) dup.flag = flag;
  else dirs.push({ path, canon: st.path, flag });
}

/** parse_conf: one configuration file (a missing one is silently ignored, as ldconfig does). */
async function parseConf(root: RootView, file: string, addDir: (line: string) => void, depth: number) {
  const st = root.statFile(file);
  if (!st || depth > 16) return;
  // UTF-8 like the tree's paths; directory names become bytes again when recorded.
  const text = (await root.content(st.path))?.toString('utf8') ?? '';
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = (hash < 0 ? raw : raw.slice(0, hash)).replace(/^[ \t\n\v\f\r]+/, '');
    if (line === '') continue;
    if (line.startsWith('include') && (line[7] === ' ' || line[7] === '\t'))
      await parseInclude(root, file, line.slice(8), addDir, depth);
    else if (/^hwcap[ \t]/i.test(line)) {
      // "hwcap directive ignored"
    } else addDir(line);
  }
}

/** An `include` line's words: globs, relative ones resolved against the including file's directory. */
async function parseInclude(
  root: RootView,
  file: string,
  words: string,
  addDir: (line: string) => void,
  depth: number,
) {
  for (const word of words.split(/[ \t]/)) {
    if (word === '') continue;
    const slash = file.lastIndexOf('/');
    const pattern = word.startsWith('/') || slash < 0 ? word : `${file.slice(0, slash)}/${word}`;
    for (const match of glob(root, pattern)) await parseConf(root, match, addDir, depth + 1);
  }
}
