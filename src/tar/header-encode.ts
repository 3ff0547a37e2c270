// Encodes one TarEntry as its header blocks: a ustar header, preceded by a PAX 'x' header only when a
// value does not fit ustar (long or non-ASCII path/linkpath, big uid/gid/size, out-of-range mtime, xattrs).
// Names are bytes (name-bytes.ts): a non-UTF-8 name is written as its exact bytes.
// Invariants: output depends only on the entry (empty uname/gname, no atime/ctime, Go-style PaxHeader
// names); numbers too big for a ustar field go to PAX and the field holds 0, as Go and Python do.
import { PithError } from '../util/index.ts';
import type { EntryType, TarEntry } from './entry.ts';
import { BLOCK, F, type Field, octalMax, padding, sealChecksum, writeBytes, writeNumber } from './fields.ts';
import { isRawName, nameToBytes } from './name-bytes.ts';
import { encodePax, XATTR_PREFIX } from './pax.ts';

const SLASH = 0x2f;
const BINARY = Buffer.from('BINARY', 'latin1');

const TYPEFLAG: Record<EntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

/** The header blocks (PAX header + padded payload, if needed, then the ustar header) for an entry. */
export function encodeHeaders(e: TarEntry, mtime: number): Buffer[] {
  validate(e);
  const pax = new Map<string, Buffer>();
  const block = Buffer.alloc(BLOCK);
  const name = tarName(e);
  placeName(block, name, pax);
  if (e.type === 'symlink' || e.type === 'hardlink') {
    const link = e.linkTarget ?? '';
    placeText(block, 'linkname', link, nameToBytes(link), 'linkpath', pax);
  }
  writeNumber(block, 'mode', e.mode & 0o7777);
  placeNumber(block, 'uid', e.uid, pax);
  placeNumber(block, 'gid', e.gid, pax);
  placeNumber(block, 'size', e.type === 'file' ? e.size : 0, pax);
  placeNumber(block, 'mtime', mtime, pax);
  block.write(TYPEFLAG[e.type], F.typeflag[0], 'latin1');
  block.write('ustar\x0000', F.magic[0], 'latin1');
  const isDevice = e.type === 'char' || e.type === 'block';
  writeNumber(block, 'devmajor', isDevice ? (e.devMajor ?? 0) : 0);
  writeNumber(block, 'devminor', isDevice ? (e.devMinor ?? 0) : 0);
  if (e.xattrs) for (const [k, v] of e.xattrs) pax.set(XATTR_PREFIX + k, v);
  sealChecksum(block);
  if (pax.size === 0) return [block];
  const payload = encodePax(pax);
  return [paxHeader(name, payload.length), payload, Buffer.alloc(padding(payload.length)), block];
}

/** The member name: directories end in '/', the root directory is './'. */
function tarName(e: TarEntry): string {
  if (e.type !== 'dir') return e.path;
  return e.path === '' ? './' : `${e.path}/`;
}

function validate(e: TarEntry): void {
  const fail = (what: string) =>
    new PithError('input', 'BAD_ENTRY', `tar entry ${JSON.stringify(e.path)}: ${what}`, {
      details: { path: e.path },
    });
  if (e.path === '' && e.type !== 'dir') throw fail('only a directory may be the root');
  if (e.path.includes('\0') || e.linkTarget?.includes('\0')) throw fail('NUL byte in path or link target');
  for (const [k, v] of [
    ['uid', e.uid],
    ['gid', e.gid],
    ['size', e.size],
    ['mode', e.mode],
    ['devMajor', e.devMajor ?? 0],
    ['devMinor', e.devMinor ?? 0],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw fail(`${k} ${v} is not a non-negative integer`);
  }
  if (!Number.isFinite(e.mtime)) throw fail(`mtime ${e.mtime} is not a number`);
  for (const k of e.xattrs?.keys() ?? []) {
    if (k === '' || k.includes('=') || k.includes('\0')) throw fail(`bad xattr name ${JSON.stringify(k)}`);
  }
}

/** The name in the ustar name (and prefix) fields if it may go there, else a PAX `path` record. */
function placeName(block: Buffer, name: string, pax: Map<string, Buffer>): void {
  if (name.length <= F.name[1] && isAscii(name)) {
    writeBytes(block, 'name', name);
    return;
  }
  const bytes = nameToBytes(name);
  if (headerSafe(name) && bytes.length > F.name[1]) {
    const split = splitUstarPath(bytes);
    if (split) {
      writeBytes(block, 'prefix', split[0]);
      writeBytes(block, 'name', split[1]);
      return;
    }
  }
  placeText(block, 'name', name, bytes, 'path', pax);
}

/**
 * A string field, or a PAX record (with the field holding an ASCII best effort) if it does not fit. A raw
 * (non-UTF-8) value goes in the field as its bytes when it fits, as GNU tar writes it; in a PAX record it
 * is marked hdrcharset=BINARY, as POSIX specifies for values that are not UTF-8.
 */
function placeText(
  block: Buffer,
  field: Field,
  text: string,
  bytes: Buffer,
  key: string,
  pax: Map<string, Buffer>,
): void {
  if (headerSafe(text) && bytes.length <= F[field][1]) {
    writeBytes(block, field, bytes);
    return;
  }
  pax.set(key, bytes);
  if (isRawName(text)) pax.set('hdrcharset', BINARY);
  writeBytes(block, field, toAscii(text).slice(0, F[field][1]));
}

/** ASCII and raw bytes go in the ustar fields as they are; other UTF-8 goes to PAX (as Go writes it). */
function headerSafe(text: string): boolean {
  return isAscii(text) || isRawName(text);
}

function placeNumber(
  block: Buffer,
  field: 'uid' | 'gid' | 'size' | 'mtime',
  value: number,
  pax: Map<string, Buffer>,
) {
  if (value >= 0 && value <= octalMax(field)) {
    writeNumber(block, field, value);
  } else {
    pax.set(field, Buffer.from(String(value), 'latin1'));
    writeNumber(block, field, 0);
  }
}

/** Go's splitUSTARPath on the name's bytes: prefix ≤ 155 bytes, name ≤ 100 bytes, split at a '/'. */
function splitUstarPath(name: Buffer): [Buffer, Buffer] | undefined {
  let length = name.length;
  if (length > F.prefix[1] + 1) length = F.prefix[1] + 1;
  else if (name[length - 1] === SLASH) length--;
  const i = name.lastIndexOf(SLASH, length - 1);
  const nlen = name.length - i - 1;
  if (i <= 0 || nlen > F.name[1] || nlen === 0 || i > F.prefix[1]) return undefined;
  return [name.subarray(0, i), name.subarray(i + 1)];
}

/** The 'x' header block, named like Go's archive/tar: '<dir>/PaxHeaders.0/<base>', ASCII, ≤ 100 bytes. */
function paxHeader(name: string, size: number): Buffer {
  const slash = name.lastIndexOf('/');
  const dir = name.slice(0, slash + 1).split('/');
  const parts = [...dir.filter((s) => s !== '' && s !== '.'), 'PaxHeaders.0'];
  const base = name.slice(slash + 1);
  if (base !== '') parts.push(base);
  const hname = toAscii(parts.join('/')).slice(0, F.name[1]).replace(/\/+$/, '');
  const block = Buffer.alloc(BLOCK);
  writeBytes(block, 'name', hname);
  for (const f of ['mode', 'uid', 'gid', 'mtime'] as const) writeNumber(block, f, 0);
  writeNumber(block, 'size', size);
  block.write('x', F.typeflag[0], 'latin1');
  block.write('ustar\x0000', F.magic[0], 'latin1');
  sealChecksum(block);
  return block;
}

function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

function toAscii(s: string): string {
  return s.replace(/[^\x00-\x7f]/gu, '');
}
