// The cache's string table as elf/stringtable.c lays it out: unique strings sorted by their reversed
// bytes in descending order, so a string that is a suffix of another sorts right after it and is stored
// inside it (tail merging); every string is NUL-terminated. Strings are byte strings (latin1).

export interface StringTable {
  bytes: Buffer;
  size: number;
  /** Offset of each string within the table. */
  offsets: Map<string, number>;
}

/** stringtable_finalize for these strings (duplicates are stored once). */
export function stringTable(strings: readonly string[]): StringTable {
  const unique = [...new Set(strings)].map((s) => Buffer.from(s, 'latin1'));
  unique.sort(compareReversed);
  const offsets = new Map<string, number>();
  if (unique.length === 0) return { bytes: Buffer.alloc(0), size: 0, offsets };
  const at = layout(unique);
  const size = at[at.length - 1]! + unique[unique.length - 1]!.length + 1;
  const bytes = Buffer.alloc(size);
  unique.forEach((s, j) => {
    s.copy(bytes, at[j]!);
    offsets.set(s.toString('latin1'), at[j]!);
  });
  return { bytes, size, offsets };
}

/** Descending order of the reversed bytes (a longer string first when one is a suffix of the other). */
function compareReversed(l: Buffer, r: Buffer): number {
  const n = Math.min(l.length, r.length);
  for (let i = 1; i <= n; i++) {
    const d = r[r.length - i]! - l[l.length - i]!;
    if (d !== 0) return d;
  }
  return r.length - l.length;
}

/** Each sorted string's offset: inside its predecessor if it is a suffix of it, else right after it. */
function layout(sorted: readonly Buffer[]): number[] {
  const at: number[] = [0];
  for (let j = 1; j < sorted.length; j++) {
    const prev = sorted[j - 1]!;
    const cur = sorted[j]!;
    const prevAt = at[j - 1]!;
    at.push(
      prev.length >= cur.length && prev.subarray(prev.length - cur.length).equals(cur)
        ? prevAt + prev.length - cur.length
        : prevAt + prev.length + 1,
    );
  }
  return at;
}
