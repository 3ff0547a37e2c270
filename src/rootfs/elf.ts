// A minimal, bounds-checked ELF reader: the file header, the program headers, PT_INTERP and the dynamic
// section's DT_SONAME / DT_NEEDED / DT_RPATH / DT_RUNPATH strings — what ldconfig and ld.so's library
// search look at, nothing more (no section headers, no symbols). Never executes or relocates anything and
// never throws: garbage gives `undefined`, a header that points outside the file sets `truncated`.
//
// Strings (soname, needed, rpath, runpath, interp) are decoded as latin1, i.e. one char per byte, so they
// round-trip to the exact bytes of the file (Buffer.from(s, 'latin1')). The bytes are a Buffer, or any
// ByteSource (a file read only where the parse looks: a few KiB of a 100 MiB binary).

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_386 = 3;
export const EM_IA_64 = 50;
export const EM_X86_64 = 62;
export const EM_ARM = 40;
export const EM_AARCH64 = 183;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_RISCV = 243;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_SONAME = 14n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;

/** What the first ELF_HEADER_BYTES of a file say: class, byte order, e_type and e_machine. */
export interface ElfHeader {
  class: 32 | 64;
  littleEndian: boolean;
  machine: number;
  /** e_type; ET_DYN = 3 for shared objects (and PIE executables). */
  type: number;
}

/** Bytes readElfHeader needs: e_ident (16), e_type (2), e_machine (2). */
export const ELF_HEADER_BYTES = 20;

export interface ElfInfo extends ElfHeader {
  /** e_flags (processor-specific: ARM EABI version and float ABI, RISC-V float ABI, ...). */
  flags: number;
  /** DT_SONAME (the first one, if the dynamic section has several). */
  soname?: string;
  /** PT_INTERP without its terminating NUL. */
  interp?: string;
  /** DT_NEEDED entries in dynamic-section order. */
  needed: string[];
  /** DT_RPATH (the first one), unexpanded: colon-separated directories, maybe with $ORIGIN. */
  rpath?: string;
  /** DT_RUNPATH (the first one), unexpanded; when present, ld.so ignores DT_RPATH. */
  runpath?: string;
  /** A PT_DYNAMIC segment with a DT_STRTAB was found (ldconfig ignores files without one). */
  dynamic: boolean;
  /** A program header, the interpreter, the dynamic section or one of its strings lies outside the file. */
  truncated: boolean;
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Random access to a file's bytes. */
export interface ByteSource {
  /** The file's size. */
  readonly length: number;
  /** The `length` bytes at `at` (a caller never asks past the end). */
  bytes(at: number, length: number): Buffer;
}

/** A Buffer as a ByteSource. */
function bufferSource(b: Buffer): ByteSource {
  return { length: b.length, bytes: (at, length) => b.subarray(at, at + length) };
}

/** The first bytes of a file, as many as readElfHeader needs (fewer if the file is shorter). */
export function elfHead(bytes: Buffer | ByteSource): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes.subarray(0, ELF_HEADER_BYTES)
    : bytes.bytes(0, Math.min(ELF_HEADER_BYTES, bytes.length));
}

/** Longest NUL-terminated string looked for (a soname, a path, an rpath list). */
const MAX_CSTRING = 64 * 1024;
/** A string is looked for this many bytes at a time. */
const CSTRING_STEP = 256;

/** Parses the ELF header and dynamic section of `bytes`; undefined if it is not an ELF file. */
export function readElf(bytes: Buffer | ByteSource): ElfInfo | undefined {
  try {
    return parse(Buffer.isBuffer(bytes) ? bufferSource(bytes) : bytes);
  } catch {
    // Defensive only: every read below is bounds-checked, so nothing is expected to land here.
    return undefined;
  }
}

/** The ELF identification, e_type and e_machine of a file's first bytes; undefined if it is not ELF. */
export function readElfHeader(b: Buffer): ElfHeader | undefined {
  if (b.length < ELF_HEADER_BYTES || !b.subarray(0, 4).equals(ELF_MAGIC)) return undefined;
  const cls = b[4];
  const data = b[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const le = data === 1;
  return {
    class: cls === 2 ? 64 : 32,
    littleEndian: le,
    type: le ? b.readUInt16LE(16) : b.readUInt16BE(16),
    machine: le ? b.readUInt16LE(18) : b.readUInt16BE(18),
  };
}

function parse(b: ByteSource): ElfInfo | undefined {
  const header = readElfHeader(elfHead(b));
  if (!header) return undefined;
  const is64 = header.class === 64;
  const le = header.littleEndian;
  if (b.length < (is64 ? 64 : 52)) return undefined;
  const r = new Reader(b, le, is64);
  const info: ElfInfo = {
    ...header,
    flags: r.u32(is64 ? 48 : 36),
    needed: [],
    dynamic: false,
    truncated: false,
  };
  const phoff = r.word(is64 ? 32 : 28);
  const phnum = r.u16(is64 ? 56 : 44);
  const phsize = is64 ? 56 : 32; // ldconfig steps by sizeof (Phdr), not e_phentsize
  let loadBias: bigint | undefined;
  let dynOffset: bigint | undefined;
  let dynSize = 0n;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + BigInt(i * phsize);
    if (!r.fits(at, phsize)) {
      info.truncated = true;
      return info;
    }
    const p = Number(at);
    const type = r.u32(p);
    const offset = r.word(p + (is64 ? 8 : 4));
    const vaddr = r.word(p + (is64 ? 16 : 8));
    const filesz = r.word(p + (is64 ? 32 : 16));
    if (type === PT_LOAD && loadBias === undefined) loadBias = r.wrap(vaddr - offset);
    else if (type === PT_DYNAMIC) {
      dynOffset = offset;
      dynSize = filesz;
    } else if (type === PT_INTERP) {
      const s = r.cstring(offset);
      if (s === undefined) {
        info.truncated = true;
        return info;
      }
      info.interp = s;
    }
  }
  if (dynOffset === undefined || dynSize === 0n) return info;
  const dynEntries = r.dynamic(dynOffset);
  const strtab = dynEntries.find((d) => d.tag === DT_STRTAB);
  if (!strtab) {
    if (!r.fits(dynOffset, 0)) info.truncated = true;
    return info;
  }
  const strBase = r.wrap(strtab.value - (loadBias ?? 0n));
  if (!r.fits(strBase, 1)) {
    info.truncated = true;
    return info;
  }
  info.dynamic = true;
  for (const d of dynEntries) {
    if (!STRING_TAGS.has(d.tag)) continue;
    const name = r.cstring(r.wrap(strBase + d.value));
    if (name === undefined) {
      info.truncated = true;
      return info;
    }
    if (d.tag === DT_NEEDED) info.needed.push(name);
    else if (d.tag === DT_SONAME) info.soname ??= name;
    else if (d.tag === DT_RPATH) info.rpath ??= name;
    else info.runpath ??= name;
  }
  return info;
}

/** The dynamic tags whose value is an offset into DT_STRTAB that this reader decodes. */
const STRING_TAGS = new Set([DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH]);

class Reader {
  private readonly b: ByteSource;
  private readonly le: boolean;
  private readonly is64: boolean;

  constructor(b: ByteSource, le: boolean, is64: boolean) {
    this.b = b;
    this.le = le;
    this.is64 = is64;
  }

  u16(at: number): number {
    const b = this.b.bytes(at, 2);
    return this.le ? b.readUInt16LE(0) : b.readUInt16BE(0);
  }

  u32(at: number): number {
    const b = this.b.bytes(at, 4);
    return this.le ? b.readUInt32LE(0) : b.readUInt32BE(0);
  }

  /** An address-sized unsigned value (Elf32_Addr / Elf64_Addr). */
  word(at: number): bigint {
    if (!this.is64) return BigInt(this.u32(at));
    const b = this.b.bytes(at, 8);
    return this.le ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
  }

  /** Address arithmetic modulo 2^32 / 2^64, as the C code does it. */
  wrap(v: bigint): bigint {
    return BigInt.asUintN(this.is64 ? 64 : 32, v);
  }

  fits(at: bigint, len: number): boolean {
    return at >= 0n && at + BigInt(len) <= BigInt(this.b.length);
  }

  /**
   * A NUL-terminated string at `at`; undefined if it starts outside the file, runs past its end, or is
   * longer than MAX_CSTRING.
   */
  cstring(at: bigint): string | undefined {
    if (!this.fits(at, 1)) return undefined;
    const start = Number(at);
    const parts: Buffer[] = [];
    for (let p = start; p < this.b.length && p - start < MAX_CSTRING; ) {
      const piece = this.b.bytes(p, Math.min(CSTRING_STEP, this.b.length - p));
      const nul = piece.indexOf(0);
      if (nul >= 0) {
        parts.push(piece.subarray(0, nul));
        return Buffer.concat(parts).toString('latin1');
      }
      parts.push(piece);
      p += piece.length;
    }
    return undefined;
  }

  /** Dynamic entries from `at` up to DT_NULL or the end of the file (ldconfig reads until DT_NULL). */
  dynamic(at: bigint): { tag: bigint; value: bigint }[] {
    const size = this.is64 ? 16 : 8;
    const out: { tag: bigint; value: bigint }[] = [];
    for (let p = at; this.fits(p, size); p += BigInt(size)) {
      const n = Number(p);
      const b = this.b.bytes(n, size / 2);
      const tag = this.is64
        ? this.le
          ? b.readBigInt64LE(0)
          : b.readBigInt64BE(0)
        : BigInt(this.le ? b.readInt32LE(0) : b.readInt32BE(0));
      if (tag === DT_NULL) break;
      out.push({ tag, value: this.word(n + size / 2) });
    }
    return out;
  }
}
