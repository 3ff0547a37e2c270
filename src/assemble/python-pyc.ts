// Reproducible bytecode caches for a Python image. pip compiles every module it installs into
// __pycache__/NAME.cpython-3XX.pyc with a timestamp header (the source's mtime and size), so the bytes
// depend on when the install ran; and since image layers clamp mtimes to SOURCE_DATE_EPOCH, the recorded
// mtime would not even match the image's source, so CPython would ignore the cache and recompile at each
// start. PEP 552 hash-based pycs fix both: the header becomes the magic number, flags = 1 (hash-based,
// unchecked: CPython loads it without reading the source, as fits an immutable image) and the source's
// SipHash-1-3 keyed by the magic number (importlib.util.source_hash); the marshalled code after the
// 16-byte header is kept as it is. A pyc is kept only for the image's Python (its cache tag and magic
// number) and only next to its source; any other is left out (CPython would never load it).
import { posix } from 'node:path';
import { siphash13 } from '../util/index.ts';

/**
 * The pyc magic number (importlib.util.MAGIC_NUMBER) of each CPython 3 minor version pith knows, checked
 * against the real interpreters (3.11 on the host, 3.13 in the python3 image): a version not listed keeps
 * no pycs at all rather than a guessed number.
 */
const MAGIC: Record<number, number> = { 11: 3495, 13: 3571 };

/** The 16-byte header of a pyc file (PEP 552). */
export const PYC_HEADER_BYTES = 16;

/** The pyc magic of CPython 3.`minor` (4 bytes: the number, then \r\n), or undefined if unknown. */
export function pycMagic(minor: number): Buffer | undefined {
  const n = MAGIC[minor];
  if (n === undefined) return undefined;
  const b = Buffer.from([0, 0, 0x0d, 0x0a]);
  b.writeUInt16LE(n, 0);
  return b;
}

/** importlib.util.source_hash: SipHash-1-3 of the source, keyed by the magic number read as little-endian. */
export function sourceHash(magic: Buffer, source: Uint8Array): Buffer {
  return siphash13(BigInt(magic.readUInt32LE(0)), 0n, source);
}

/** The pyc with its header rewritten to PEP 552's unchecked-hash form for `source`; the code is unchanged. */
export function uncheckedHashPyc(pyc: Buffer, magic: Buffer, source: Uint8Array): Buffer {
  const header = Buffer.alloc(PYC_HEADER_BYTES);
  magic.copy(header, 0);
  header.writeUInt32LE(1, 4); // bit 0: hash-based; bit 1 (check_source) clear: unchecked
  sourceHash(magic, source).copy(header, 8);
  return Buffer.concat([header, pyc.subarray(PYC_HEADER_BYTES)]);
}

/**
 * The source a cached pyc belongs to (PEP 3147): `pkg/__pycache__/mod.cpython-313.opt-1.pyc` is
 * `pkg/mod.py`'s, with cache tag `cpython-313`; undefined for a path that is not a cached pyc.
 */
export function pycSource(path: string): { source: string; tag: string } | undefined {
  const dir = posix.dirname(path);
  if (posix.basename(dir) !== '__pycache__') return undefined;
  const m = /^([^.]+)\.([^.]+)(?:\.opt-[12])?\.pyc$/.exec(posix.basename(path));
  if (!m) return undefined;
  return { source: posix.join(posix.dirname(dir), `${m[1]}.py`), tag: m[2]! };
}
