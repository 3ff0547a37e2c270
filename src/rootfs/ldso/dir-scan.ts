// search_dir: the cache entries one directory contributes. Regular files and symlinks to regular files
// that library-file.ts accepts; a symlink whose name is its target's soname, or a `.so` prefix of it
// (libz.so -> libz.so.1.2.13), is a link recorded under its own name, any other symlink counts as a file.
// Same soname twice: a file beats a link, else the higher _dl_cache_libcmp name wins. Each survivor is
// recorded as `<dir as spelled>/<soname>` (ldconfig relies on the soname link it would create), most
// recently added first, like ldconfig's list.

import type { ArchSpec } from './arch-specs.ts';
import { bytes } from './byte-strings.ts';
import { FLAG_ELF, isLibcFlag } from './flags.ts';
import { isCandidateName, processFile } from './library-file.ts';
import { type CacheEntry, libcmp } from './order.ts';
import type { RootView } from './root-view.ts';
import type { DirEntry } from './search-dirs.ts';

/** One library of the directory being scanned; names are byte strings. */
interface Dlib {
  name: string;
  soname: string;
  flag: number;
  isLink: boolean;
}

/** search_dir: the cache entries one directory contributes, in the order ldconfig adds them. */
export async function searchDir(root: RootView, spec: ArchSpec, dir: DirEntry): Promise<CacheEntry[]> {
  const st = root.stat(dir.path);
  if (st?.node?.type !== 'dir') return [];
  const dlibs: Dlib[] = []; // most recently added first, like ldconfig's list
  for (const name of root.list(st.path)) {
    const lib = await scanFile(root, spec, dir, st.path, name);
    if (lib) addDlib(dlibs, lib, spec.signedChar);
  }
  const path = bytes(dir.path);
  return dlibs.map((d) => ({ lib: d.soname, path: `${path}/${d.soname}`, flags: d.flag }));
}

/** One directory entry (`canon` is the directory's resolved path) as a library, or undefined if skipped. */
async function scanFile(
  root: RootView,
  spec: ArchSpec,
  dir: DirEntry,
  canon: string,
  name: string,
): Promise<Dlib | undefined> {
  let realName = canon === '' ? name : `${canon}/${name}`;
  const node = root.node(realName);
  if (!node || !['file', 'hardlink', 'symlink'].includes(node.type) || !isCandidateName(name))
    return undefined;
  const isLink = node.type === 'symlink';
  if (isLink) {
    const target = root.statFile(`${dir.path}/${name}`);
    if (!target) return undefined;
    realName = target.path;
  }
  const found = await processFile(root, spec, realName);
  if (!found) return undefined;
  return toDlib(name, isLink, found, dir.flag);
}

/** Names, link status and flag of an accepted file (names become bytes, as the C code compares them). */
function toDlib(
  name: string,
  link: boolean,
  found: { flag: number; soname?: string },
  dirFlag: number,
): Dlib {
  let { flag } = found;
  let isLink = link;
  const dname = bytes(name);
  let soname = found.soname ?? dname;
  if (isLink && dname !== soname && !(dname.endsWith('.so') && soname.startsWith(dname))) isLink = false;
  if (isLink) soname = dname;
  if (flag === FLAG_ELF && isLibcFlag(dirFlag)) flag = dirFlag;
  return { name: dname, soname, flag, isLink };
}

/** Adds a library, or lets it replace the one of the same soname (a file beats a link, then libcmp). */
function addDlib(dlibs: Dlib[], lib: Dlib, signedChar: boolean): void {
  const same = dlibs.find((d) => d.soname === lib.soname);
  if (!same) {
    dlibs.unshift(lib);
    return;
  }
  if (
    (!lib.isLink && same.isLink) ||
    (lib.isLink === same.isLink && libcmp(same.name, lib.name, signedChar) < 0)
  ) {
    same.flag = mergedFlag(same.flag, lib.flag);
    same.name = lib.name;
    same.isLink = lib.isLink;
  }
}

/** The kept flag when a library replaces another: libc5/libc6 and plain ELF override each other. */
function mergedFlag(old: number, flag: number): number {
  if (old === flag) return old;
  if (old === FLAG_ELF && isLibcFlag(flag)) return flag;
  if (isLibcFlag(old) && flag === FLAG_ELF) return flag;
  return old;
}
