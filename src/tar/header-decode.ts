// Turns a sequence of header blocks into entries: ustar/old-GNU/v7/star headers, PAX 'x' (per entry) and 'g'
// (global) records kept as raw Buffers, GNU 'L'/'K' long names. Shared by the streaming reader and the
// on-disk indexer so both parse identically. Invariant: meta headers only ever affect the next real entry;
// every malformed input becomes BAD_TAR with the byte offset of the offending header.
import type { EntryType, TarEntry } from './entry.ts';
import { badTar, F, isZeroBlock, readNumber, readString, verifyChecksum } from './fields.ts';
import { nameFromBytes } from './name-bytes.ts';
import { parsePax, paxNumber, XATTR_PREFIX } from './pax.ts';
import { normalizeArchivePath } from './safe-path.ts';

/** Entry metadata without data. */
export type EntryMeta = Omit<TarEntry, 'content'>;

/**
 * A member's name and link name exactly as the archive spells them, before normalisation (a leading '/' or
 * './' kept): what GNU tar's --strip-components counts, and what an extractor checks for absolute names.
 */
export interface ArchiveNames {
  path: string;
  linkTarget: string;
}

/** What a header block asks the caller to do next. */
export type Decoded =
  | { kind: 'zero' }
  | { kind: 'meta'; flag: MetaFlag; size: number }
  | { kind: 'skip'; size: number }
  | { kind: 'entry'; entry: EntryMeta; size: number; names: ArchiveNames };

type MetaFlag = 'x' | 'g' | 'L' | 'K';

/** Largest PAX/GNU meta payload accepted (Go's archive/tar uses 1 MiB; xattrs may be up to 64 KiB each). */
export const MAX_META = 8 * 1024 * 1024;

const TYPES: Record<string, EntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  D: 'dir',
  '6': 'fifo',
};
const NON_STANDARD = new Set(['path', 'linkpath', 'size']); // never taken from a global header

/** Stateful decoder of consecutive header blocks. */
export class HeaderDecoder {
  private globals = new Map<string, Buffer>();
  private local: Map<string, Buffer> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private metaAt = -1;
  private names: ArchiveNames = { path: '', linkTarget: '' };

  /** Decodes the header block found at byte `offset`. */
  decode(block: Buffer, offset: number): Decoded {
    if (isZeroBlock(block)) {
      this.assertNoPendingMeta(offset);
      return { kind: 'zero' };
    }
    verifyChecksum(block, offset);
    const flag = String.fromCharCode(block[F.typeflag[0]]!);
    const size = readNumber(block, 'size', offset);
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META)
        throw badTar(offset, `'${flag}' header of ${size} bytes is larger than ${MAX_META}`);
      this.metaAt = offset;
      return { kind: 'meta', flag, size };
    }
    if (flag === 'V') return { kind: 'skip', size }; // GNU volume label: not a file
    const type = TYPES[flag];
    if (!type) throw badTar(offset, `unsupported entry type ${JSON.stringify(flag)}`);
    const entry = this.entry(block, offset, type, flag);
    // Only regular files and GNU dump directories ('D') are followed by data; Go ignores the others' size.
    const dataSize = flag === 'D' ? size : entry.type === 'file' ? entry.size : 0;
    return { kind: 'entry', entry, size: dataSize, names: this.names };
  }

  /** Applies the payload of a meta header (read by the caller) to the next entry. */
  applyMeta(flag: MetaFlag, payload: Buffer, offset: number): void {
    const base = offset + 512;
    if (flag === 'L' || flag === 'K') {
      const end = payload.indexOf(0);
      const text = nameFromBytes(payload.subarray(0, end < 0 ? payload.length : end));
      if (flag === 'L') this.longName = text;
      else this.longLink = text;
      return;
    }
    const records = parsePax(payload, base);
    for (const key of records.keys()) {
      if (key.startsWith('GNU.sparse.')) throw badTar(base, 'sparse files are not supported');
    }
    if (flag === 'g') {
      for (const [k, v] of records) {
        if (v.length === 0 && !k.startsWith(XATTR_PREFIX)) this.globals.delete(k);
        else if (!NON_STANDARD.has(k)) this.globals.set(k, v);
      }
      return;
    }
    this.local ??= new Map();
    for (const [k, v] of records) this.local.set(k, v);
  }

  /** Throws BAD_TAR if a meta header was not followed by the entry it describes. */
  assertNoPendingMeta(offset: number): void {
    if (this.local || this.longName !== undefined || this.longLink !== undefined) {
      throw badTar(offset, `extended header at byte ${this.metaAt} is not followed by an entry`);
    }
  }

  private entry(block: Buffer, offset: number, type: EntryType, flag: string): EntryMeta {
    const pax = this.merged();
    const rawName = this.longName ?? text(pax.get('path')) ?? headerName(block);
    const rawLink = this.longLink ?? text(pax.get('linkpath')) ?? readString(block, 'linkname');
    this.names = { path: rawName, linkTarget: rawLink };
    this.local = undefined;
    this.longName = undefined;
    this.longLink = undefined;
    if (flag === '\0' && rawName.endsWith('/')) type = 'dir';
    const num = (key: 'uid' | 'gid' | 'size' | 'mtime') => {
      const v = pax.get(key);
      return v && v.length > 0 ? paxNumber(key, v, offset, key === 'mtime') : readNumber(block, key, offset);
    };
    const e: EntryMeta = {
      path: normalizeArchivePath(rawName),
      type,
      mode: readNumber(block, 'mode', offset) & 0o7777,
      uid: num('uid'),
      gid: num('gid'),
      mtime: num('mtime'),
      size: type === 'file' ? num('size') : 0,
    };
    if (type === 'symlink') e.linkTarget = rawLink;
    if (type === 'hardlink') e.linkTarget = normalizeArchivePath(rawLink);
    if (type === 'char' || type === 'block') {
      const v7 = headerFormat(block) === 'v7';
      e.devMajor = v7 ? 0 : readNumber(block, 'devmajor', offset);
      e.devMinor = v7 ? 0 : readNumber(block, 'devminor', offset);
    }
    const xattrs = xattrsOf(pax);
    if (xattrs) e.xattrs = xattrs;
    return e;
  }

  private merged(): Map<string, Buffer> {
    if (!this.local) return this.globals;
    const m = new Map(this.globals);
    for (const [k, v] of this.local) {
      if (v.length === 0 && !k.startsWith(XATTR_PREFIX)) m.delete(k);
      else m.set(k, v);
    }
    return m;
  }
}

/** A PAX path or linkpath: UTF-8, or raw bytes (hdrcharset=BINARY); nameFromBytes keeps both exact. */
function text(v: Buffer | undefined): string | undefined {
  return v === undefined ? undefined : nameFromBytes(v);
}

function xattrsOf(pax: Map<string, Buffer>): Map<string, Buffer> | undefined {
  let out: Map<string, Buffer> | undefined;
  for (const [k, v] of pax) {
    if (!k.startsWith(XATTR_PREFIX)) continue;
    out ??= new Map();
    out.set(k.slice(XATTR_PREFIX.length), Buffer.from(v)); // a copy: never pin the whole read chunk
  }
  return out;
}

/** 'ustar' (POSIX, uses prefix), 'star' (131-byte prefix), 'gnu' (old GNU, no prefix) or 'v7'. */
function headerFormat(block: Buffer): 'ustar' | 'star' | 'gnu' | 'v7' {
  const magic = block.toString('latin1', F.magic[0], F.magic[0] + 8);
  if (magic === 'ustar  \0') return 'gnu';
  if (!magic.startsWith('ustar\0')) return 'v7';
  return block.toString('latin1', 508, 512) === 'tar\0' ? 'star' : 'ustar';
}

/** The name from the header fields, joined with the ustar (or star) prefix where the format has one. */
function headerName(block: Buffer): string {
  const fmt = headerFormat(block);
  const name = readString(block, 'name');
  if (fmt !== 'ustar' && fmt !== 'star') return name;
  const prefix = readString(block, 'prefix', fmt === 'star' ? 131 : F.prefix[1]);
  return prefix.length === 0 ? name : `${prefix}/${name}`;
}
