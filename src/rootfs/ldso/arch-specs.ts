// What each target architecture's Debian ldconfig binary does differently: its multiarch triplet, byte
// order, `char` signedness, known program interpreters, and its readelflib's process_elf_file (the per-arch
// flags: x86-64 → FLAG_X8664_LIB64, AArch64 → FLAG_AARCH64_LIB64, ARM EABI5 hard/soft float, PowerPC64,
// S390, RISC-V float ABI, … on top of the generic FLAG_ELF / FLAG_ELF_LIBC6). A classify() that returns
// undefined means that ldconfig rejects the file.

import { PithError } from '../../util/index.ts';
import { type ElfInfo, EM_386, EM_IA_64, EM_X86_64 } from '../elf.ts';
import {
  FLAG_AARCH64_LIB64,
  FLAG_ARM_LIBHF,
  FLAG_ARM_LIBSF,
  FLAG_ELF_LIBC6,
  FLAG_IA64_LIB64,
  FLAG_POWERPC_LIB64,
  FLAG_RISCV_FLOAT_ABI_DOUBLE,
  FLAG_RISCV_FLOAT_ABI_SOFT,
  FLAG_S390_LIB64,
  FLAG_X8664_LIB64,
  FLAG_X8664_LIBX32,
} from './flags.ts';

/** The generic process_elf_file for one ELF class: FLAG_ELF or FLAG_ELF_LIBC6, or undefined (rejected). */
export type GenericFlag = (cls: 32 | 64) => number | undefined;

/** What the target architecture's ldconfig binary does differently. */
export interface ArchSpec {
  triplet: string;
  littleEndian: boolean;
  /** Whether `char` is signed (matters in _dl_cache_libcmp for bytes >= 0x80). */
  signedChar: boolean;
  /** ldconfig's known program interpreters (generic "/lib/" LD_SO plus SYSDEP_KNOWN_INTERPRETER_NAMES). */
  interpreters: readonly string[];
  /** The arch's process_elf_file: the flag, or undefined if ldconfig rejects the file. */
  classify(e: ElfInfo, generic: GenericFlag): number | undefined;
}

const X86_INTERPRETERS = ['/lib/ld-linux.so.2', '/libx32/ld-linux-x32.so.2', '/lib64/ld-linux-x86-64.so.2'];
const ARM_INTERPRETERS = [
  '/lib/ld-linux-aarch64.so.1',
  '/lib/ld-linux-aarch64_be.so.1',
  '/lib/ld-linux.so.3',
  '/lib/ld-linux-armhf.so.3',
];

/** sysdeps/unix/sysv/linux/x86/readelflib.c (amd64 and i386 ldconfig). */
function x86(i386: boolean): ArchSpec['classify'] {
  return (e, generic) => {
    if (e.machine === EM_X86_64) {
      const cls = e.class === 32 ? 32 : 64;
      return generic(cls) === undefined
        ? undefined
        : (cls === 64 ? FLAG_X8664_LIB64 : FLAG_X8664_LIBX32) | FLAG_ELF_LIBC6;
    }
    if (i386 && e.machine === EM_IA_64 && e.class === 64)
      return generic(64) === undefined ? undefined : FLAG_IA64_LIB64 | FLAG_ELF_LIBC6;
    if (e.machine === EM_386 && e.class === 32) return generic(32);
    return undefined; // "%s is for unknown machine %d."
  };
}

/** sysdeps/unix/sysv/linux/arm/readelflib.c (arm and aarch64 ldconfig): no machine check at all. */
const arm: ArchSpec['classify'] = (e, generic) => {
  if (e.class === 32) {
    const flag = generic(32);
    if (flag === undefined || (e.flags & 0xff000000) !== 0x05000000) return flag;
    if (e.flags & 0x400) return FLAG_ARM_LIBHF | FLAG_ELF_LIBC6;
    if (e.flags & 0x200) return FLAG_ARM_LIBSF | FLAG_ELF_LIBC6;
    return FLAG_ELF_LIBC6;
  }
  return generic(64) === undefined ? undefined : FLAG_AARCH64_LIB64 | FLAG_ELF_LIBC6;
};

/** sysdeps/unix/sysv/linux/powerpc/readelflib.c */
const powerpc: ArchSpec['classify'] = (e, generic) => {
  if (e.class === 32) return generic(32);
  return generic(64) === undefined ? undefined : FLAG_POWERPC_LIB64 | FLAG_ELF_LIBC6;
};

/** sysdeps/unix/sysv/linux/s390/readelflib.c (64-bit ldconfig: ELFCLASS64 only) */
const s390: ArchSpec['classify'] = (_e, generic) =>
  generic(64) === undefined ? undefined : FLAG_S390_LIB64 | FLAG_ELF_LIBC6;

/** sysdeps/unix/sysv/linux/riscv/readelflib.c: the generic flag plus the float ABI of e_flags. */
const riscv: ArchSpec['classify'] = (e, generic) => {
  const flag = generic(e.class === 32 ? 32 : 64);
  if (flag === undefined) return undefined;
  const abi = e.flags & 0x6;
  if ((abi !== 0 && abi !== 4) || e.flags & ~0x7) return undefined;
  return flag | (abi === 4 ? FLAG_RISCV_FLOAT_ABI_DOUBLE : FLAG_RISCV_FLOAT_ABI_SOFT);
};

const ARCHS: Record<string, ArchSpec> = {
  amd64: {
    triplet: 'x86_64-linux-gnu',
    littleEndian: true,
    signedChar: true,
    interpreters: ['/lib/ld-linux-x86-64.so.2', ...X86_INTERPRETERS],
    classify: x86(false),
  },
  i386: {
    triplet: 'i386-linux-gnu',
    littleEndian: true,
    signedChar: true,
    interpreters: X86_INTERPRETERS,
    classify: x86(true),
  },
  arm64: {
    triplet: 'aarch64-linux-gnu',
    littleEndian: true,
    signedChar: false,
    interpreters: ARM_INTERPRETERS,
    classify: arm,
  },
  armhf: {
    triplet: 'arm-linux-gnueabihf',
    littleEndian: true,
    signedChar: false,
    interpreters: ['/lib/ld-linux-armhf.so.3', '/lib/ld-linux.so.3'],
    classify: arm,
  },
  armel: {
    triplet: 'arm-linux-gnueabi',
    littleEndian: true,
    signedChar: false,
    interpreters: ['/lib/ld-linux.so.3', '/lib/ld-linux-armhf.so.3'],
    classify: arm,
  },
  ppc64el: {
    triplet: 'powerpc64le-linux-gnu',
    littleEndian: true,
    signedChar: false,
    interpreters: ['/lib/ld64.so.2', '/lib/ld.so.1', '/lib64/ld64.so.1', '/lib64/ld64.so.2'],
    classify: powerpc,
  },
  s390x: {
    triplet: 's390x-linux-gnu',
    littleEndian: false,
    signedChar: false,
    interpreters: ['/lib/ld64.so.1', '/lib/ld.so.1'],
    classify: s390,
  },
  riscv64: {
    triplet: 'riscv64-linux-gnu',
    littleEndian: true,
    signedChar: false,
    interpreters: ['/lib/ld-linux-riscv64-lp64d.so.1', '/lib/ld-linux-riscv64-lp64.so.1'],
    classify: riscv,
  },
};

/** The spec of a Debian architecture; throws UNSUPPORTED_ARCH for any other. */
export function archSpec(arch: string): ArchSpec {
  const spec = ARCHS[arch];
  if (!spec)
    throw new PithError('invalid', 'UNSUPPORTED_ARCH', `ld.so.cache: unsupported architecture ${arch}`, {
      details: { arch, supported: Object.keys(ARCHS) },
    });
  return spec;
}
