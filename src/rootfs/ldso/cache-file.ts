// The ld.so.cache file, "new" format only (glibc >= 2.32 default; elf/dl-cache.h, elf/cache.c save_cache):
// header, the entries in the order given, the string table, 4-byte padding, then the extension directory
// with one section: the generator string. Everything is in the target's byte order (s390x is big-endian);
// osversion and hwcap of every entry are 0 (ldconfig 2.36 no longer records the ABI note's version).

import type { CacheEntry } from './order.ts';
import { type StringTable, stringTable } from './string-table.ts';

const CACHE_MAGIC_NEW = 'glibc-ld.so.cache1.1';
const HEADER_SIZE = 48;
const ENTRY_SIZE = 24;
const EXTENSION_MAGIC = 0xeaa42174;
const EXTENSION_TAG_GENERATOR = 0;
const ENDIAN_LITTLE = 2;
const ENDIAN_BIG = 3;

type U32 = (v: number, at: number) => void;

/** save_cache (format "new") with stringtable.c's layout and one extension section (the generator). */
export function writeCache(entries: readonly CacheEntry[], generator: string, le: boolean): Buffer {
  const table = stringTable(entries.flatMap((e) => [e.path, e.lib]));
  const strOffset = HEADER_SIZE + entries.length * ENTRY_SIZE;
  const extOffset = align4(strOffset + table.size);
  const gen = Buffer.from(generator, 'utf8');
  const genOffset = extOffset + 8 + 16;
  const out = Buffer.alloc(genOffset + gen.length);
  const u32: U32 = (v, at) => (le ? out.writeUInt32LE(v >>> 0, at) : out.writeUInt32BE(v >>> 0, at));
  writeHeader(out, u32, entries.length, table.size, extOffset, le);
  writeEntries(u32, entries, table, strOffset);
  table.bytes.copy(out, strOffset);
  writeExtensions(u32, extOffset, genOffset, gen.length);
  gen.copy(out, genOffset);
  return out;
}

function writeHeader(out: Buffer, u32: U32, count: number, strSize: number, extOffset: number, le: boolean) {
  out.write(CACHE_MAGIC_NEW, 0, 'latin1');
  u32(count, 20);
  u32(strSize, 24);
  out[28] = le ? ENDIAN_LITTLE : ENDIAN_BIG;
  u32(extOffset, 32);
}

function writeEntries(u32: U32, entries: readonly CacheEntry[], table: StringTable, strOffset: number) {
  entries.forEach((e, i) => {
    const at = HEADER_SIZE + i * ENTRY_SIZE;
    u32(e.flags, at);
    u32(strOffset + table.offsets.get(e.lib)!, at + 4);
    u32(strOffset + table.offsets.get(e.path)!, at + 8);
    // osversion (at + 12) and hwcap (at + 16, 8 bytes) stay 0
  });
}

/** The extension directory: magic, count 1, then the generator section (tag, flags, offset, size). */
function writeExtensions(u32: U32, extOffset: number, genOffset: number, genSize: number) {
  u32(EXTENSION_MAGIC, extOffset);
  u32(1, extOffset + 4);
  u32(EXTENSION_TAG_GENERATOR, extOffset + 8);
  u32(0, extOffset + 12);
  u32(genOffset, extOffset + 16);
  u32(genSize, extOffset + 20);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
