// Whether an ELF executable or shared object can run on the image's architecture: e_machine, ELF class and
// byte order must be the Debian architecture's. Reads only the first ELF_HEADER_BYTES of a file; anything
// that is not ELF, and ELF files that are neither executables nor shared objects (relocatable objects such
// as .o, kernel modules or eBPF programs, core dumps), are not checked.
import type { Arch } from '../config/index.ts';
import {
  archSpec,
  type ElfHeader,
  EM_386,
  EM_AARCH64,
  EM_ARM,
  EM_IA_64,
  EM_PPC64,
  EM_RISCV,
  EM_S390,
  EM_X86_64,
  ET_DYN,
  ET_EXEC,
  readElfHeader,
} from '../rootfs/index.ts';

/** The ELF machine and class each Debian architecture runs (byte order comes from its ArchSpec). */
const TARGETS: Record<Arch, { machine: number; class: 32 | 64 }> = {
  amd64: { machine: EM_X86_64, class: 64 },
  arm64: { machine: EM_AARCH64, class: 64 },
  armhf: { machine: EM_ARM, class: 32 },
  armel: { machine: EM_ARM, class: 32 },
  i386: { machine: EM_386, class: 32 },
  ppc64el: { machine: EM_PPC64, class: 64 },
  s390x: { machine: EM_S390, class: 64 },
  riscv64: { machine: EM_RISCV, class: 64 },
};

/** e_machine names as binutils' readelf prints them (the common ones; others print as their number). */
const MACHINES: Record<number, string> = {
  2: 'SPARC',
  [EM_386]: 'Intel 80386',
  8: 'MIPS',
  20: 'PowerPC',
  [EM_PPC64]: 'PowerPC64',
  [EM_S390]: 'IBM S/390',
  [EM_ARM]: 'ARM',
  43: 'SPARC v9',
  [EM_IA_64]: 'IA-64',
  [EM_X86_64]: 'x86-64',
  [EM_AARCH64]: 'AArch64',
  [EM_RISCV]: 'RISC-V',
  258: 'LoongArch',
};

/**
 * Why a file starting with `head` cannot run on `arch`, e.g. "is an ELF executable for AArch64 (64-bit LSB),
 * but the image is amd64 (x86-64, 64-bit LSB)"; undefined if it can, or if it is not an ELF executable or
 * shared object.
 */
export function elfMismatch(head: Buffer, arch: Arch): string | undefined {
  const elf = readElfHeader(head);
  if (!elf || (elf.type !== ET_EXEC && elf.type !== ET_DYN)) return undefined;
  const want = { ...TARGETS[arch], littleEndian: archSpec(arch).littleEndian };
  if (elf.machine === want.machine && elf.class === want.class && elf.littleEndian === want.littleEndian)
    return undefined;
  const kind = elf.type === ET_EXEC ? 'executable' : 'shared object or PIE executable';
  return `is an ELF ${kind} for ${describe(elf)}, but the image is ${arch} (${machineName(want.machine)}, ${layout(want)})`;
}

function describe(e: ElfHeader): string {
  return `${machineName(e.machine)} (${layout(e)})`;
}

function layout(e: { class: 32 | 64; littleEndian: boolean }): string {
  return `${e.class}-bit ${e.littleEndian ? 'LSB' : 'MSB'}`;
}

function machineName(machine: number): string {
  return MACHINES[machine] ?? `machine ${machine}`;
}
