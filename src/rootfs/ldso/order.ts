// The order of the cache's entries: glibc's _dl_cache_libcmp (digit runs compare numerically, with C int
// arithmetic and the target's `char` signedness) and add_to_cache's insertion sort, which leaves entries
// in descending libcmp order of the soname, then descending flags, ties in scan order (osversion and
// hwcap are always 0 here). Where ldconfig depends on readdir order we use byte order instead.

/** One cache entry: soname, full path (`<dir as spelled>/<soname>`) and flags, all as byte strings. */
export interface CacheEntry {
  lib: string;
  path: string;
  flags: number;
}

/** add_to_cache's insertion: before the first entry that compares greater, i.e. after all equal ones. */
export function insertSorted(list: CacheEntry[], entry: CacheEntry, signedChar: boolean): void {
  let i = 0;
  while (i < list.length && compareEntries(list[i]!, entry, signedChar) <= 0) i++;
  list.splice(i, 0, entry);
}

/** cache.c compare(): reversed _dl_cache_libcmp, then higher flags first (hwcap and osversion are 0). */
function compareEntries(e1: CacheEntry, e2: CacheEntry, signedChar: boolean): number {
  const res = libcmp(e2.lib, e1.lib, signedChar);
  if (res !== 0) return res;
  return e1.flags < e2.flags ? 1 : e1.flags > e2.flags ? -1 : 0;
}

/** _dl_cache_libcmp on byte strings: digit runs compare numerically (C int arithmetic). */
export function libcmp(a: string, b: string, signedChar = true): number {
  const ch = (s: string, i: number): number => charAt(s, i, signedChar);
  let i = 0;
  let j = 0;
  while (i < a.length) {
    const c1 = ch(a, i);
    const c2 = ch(b, j);
    if (isDigit(c1)) {
      if (!isDigit(c2)) return 1;
      let v1 = 0;
      let v2 = 0;
      while (isDigit(ch(a, i))) v1 = (Math.imul(v1, 10) + ch(a, i++) - 0x30) | 0;
      while (isDigit(ch(b, j))) v2 = (Math.imul(v2, 10) + ch(b, j++) - 0x30) | 0;
      if (v1 !== v2) return (v1 - v2) | 0;
    } else if (isDigit(c2)) return -1;
    else if (c1 !== c2) return c1 - c2;
    else {
      i++;
      j++;
    }
  }
  return ch(a, i) - ch(b, j);
}

/** The C `char` at i (0 past the end, like the NUL terminator), signed if the target's char is. */
function charAt(s: string, i: number, signedChar: boolean): number {
  const c = i < s.length ? s.charCodeAt(i) : 0;
  return signedChar && c >= 0x80 ? c - 0x100 : c;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
