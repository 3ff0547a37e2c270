// The 512-byte header block layout (POSIX ustar, plus the old-GNU and star variants on read) and its field
// codecs: octal and base-256 numbers, NUL-terminated strings, the checksum. Hand-written (not an npm tar lib)
// because pith needs full determinism and binary-exact xattrs, which none of them give (briefs/deps.md §5).
// Invariant: encoders only ever write into a fresh zeroed block; decoders never trust a field unchecked.
import { PithError } from '../util/index.ts';
import { nameFromBytes } from './name-bytes.ts';

export const BLOCK = 512;

/** Byte offset and length of each header field. */
export const F = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  chksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

export type Field = keyof typeof F;

/** Largest value an octal field of `width` bytes holds (width-1 digits, NUL-terminated). */
export function octalMax(field: Field): number {
  return 8 ** (F[field][1] - 1) - 1;
}

/** Bytes needed to pad `n` up to a whole number of blocks. */
export function padding(n: number): number {
  const r = n % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

/** The BAD_TAR error, always with the byte offset where the problem was found. */
export function badTar(offset: number, message: string, cause?: unknown): PithError {
  return new PithError('invalid', 'BAD_TAR', `malformed tar at byte ${offset}: ${message}`, {
    cause,
    details: { offset },
  });
}

/** Writes `value` as zero-padded octal digits followed by NUL; base-256 if it does not fit. */
export function writeNumber(block: Buffer, field: Field, value: number): void {
  const [off, len] = F[field];
  if (value >= 0 && value <= octalMax(field)) {
    block.write(value.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
    return;
  }
  // GNU base-256: high bit of the first byte set, big-endian two's complement in the rest.
  let v = BigInt(value);
  for (let i = off + len - 1; i > off; i--) {
    block[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  block[off] = 0x80 | (value < 0 ? 0x7f : 0);
}

/** Writes `bytes` into a string field (caller guarantees it fits; the rest stays NUL). */
export function writeBytes(block: Buffer, field: Field, bytes: Buffer | string): void {
  const [off, len] = F[field];
  if (typeof bytes === 'string') block.write(bytes, off, len, 'utf8');
  else bytes.copy(block, off, 0, Math.min(len, bytes.length));
}

/** Sum of the header bytes with the checksum field counted as eight spaces (unsigned, as POSIX says). */
export function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  for (let i = F.chksum[0]; i < F.chksum[0] + F.chksum[1]; i++) sum += 0x20 - block[i]!;
  return sum;
}

/** Signed variant some historic tars (Sun, old GNU) used; accepted on read. */
function signedChecksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += (block[i]! << 24) >> 24;
  for (let i = F.chksum[0]; i < F.chksum[0] + F.chksum[1]; i++) sum += 0x20 - ((block[i]! << 24) >> 24);
  return sum;
}

/** Fills in the checksum field: six octal digits, NUL, space (as GNU tar and Go write it). */
export function sealChecksum(block: Buffer): void {
  const [off] = F.chksum;
  block.write(checksum(block).toString(8).padStart(6, '0'), off, 6, 'latin1');
  block[off + 6] = 0;
  block[off + 7] = 0x20;
}

/** Throws BAD_TAR unless the stored checksum matches the block (unsigned or signed sum). */
export function verifyChecksum(block: Buffer, offset: number): void {
  const stored = readNumber(block, 'chksum', offset);
  if (stored !== checksum(block) && stored !== signedChecksum(block)) {
    throw badTar(offset, `header checksum mismatch (stored ${stored}, computed ${checksum(block)})`);
  }
}

/** True if all 512 bytes are zero (an end-of-archive marker block). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Reads a numeric field: octal (leading/trailing spaces and NULs ignored) or GNU base-256. */
export function readNumber(block: Buffer, field: Field, offset: number): number {
  const [off, len] = F[field];
  if (block[off]! & 0x80) return readBase256(block.subarray(off, off + len), field, offset);
  // by hand, not toString + regex + parseInt: every header of every tar pith reads has six of these
  let end = off;
  while (end < off + len && block[end] !== 0) end++;
  let start = off;
  while (start < end && isBlank(block[start]!)) start++;
  while (end > start && isBlank(block[end - 1]!)) end--;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = block[i]! - 0x30;
    if (digit < 0 || digit > 7) {
      const text = block.toString('latin1', start, end);
      throw badTar(offset, `${field} field is not octal: ${JSON.stringify(text)}`);
    }
    n = n * 8 + digit;
  }
  if (!Number.isSafeInteger(n)) throw badTar(offset, `${field} field is too large`);
  return n;
}

/** What String.prototype.trim removes from a latin1 field: space, \t to \r, and no-break space. */
function isBlank(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d) || byte === 0xa0;
}

function readBase256(b: Buffer, field: Field, offset: number): number {
  const negative = (b[0]! & 0x40) !== 0;
  let v = BigInt(b[0]! & 0x7f) - (negative ? 0x80n : 0n);
  for (let i = 1; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw badTar(offset, `${field} field is out of range`);
  return n;
}

/** The bytes of a string field up to its first NUL. */
export function readBytes(block: Buffer, field: Field, width: number = F[field][1]): Buffer {
  const off = F[field][0];
  const end = block.indexOf(0, off);
  return block.subarray(off, end < 0 || end > off + width ? off + width : end);
}

/** A string field as a name: UTF-8, undecodable bytes kept (name-bytes.ts). */
export function readString(block: Buffer, field: Field, width?: number): string {
  return nameFromBytes(readBytes(block, field, width));
}
