// The Debian architecture an ELF executable or shared object is built for, from its header: the one
// architecture elf-arch.ts's check accepts it for; for 32-bit ARM, whose armhf and armel share e_machine,
// the float ABI of e_flags decides (EF_ARM_ABI_FLOAT_HARD: armhf).
import { ARCHS, type Arch } from '../config/index.ts';
import { EM_ARM, ET_DYN, ET_EXEC, readElf } from '../rootfs/index.ts';
import { elfMismatch } from './elf-arch.ts';

const EF_ARM_ABI_FLOAT_HARD = 0x400;

/** The architecture of an ELF executable or shared object; undefined for anything else or an unknown one. */
export function binaryArch(bytes: Buffer): Arch | undefined {
  const elf = readElf(bytes);
  if (!elf || (elf.type !== ET_EXEC && elf.type !== ET_DYN)) return undefined;
  const fits = ARCHS.filter((arch) => elfMismatch(bytes, arch) === undefined);
  if (elf.machine !== EM_ARM || fits.length < 2) return fits[0];
  return elf.flags & EF_ARM_ABI_FLOAT_HARD ? 'armhf' : 'armel';
}
