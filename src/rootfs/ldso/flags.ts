// ldconfig's library flags (glibc sysdeps/generic/ldconfig.h) and the `dir=TYPE` library types of
// ld.so.conf. The values are glibc's bit for bit: they are written into the cache entries unchanged.

export const FLAG_ANY = -1;
export const FLAG_ELF = 0x0001;
export const FLAG_ELF_LIBC5 = 0x0002;
export const FLAG_ELF_LIBC6 = 0x0003;
export const FLAG_IA64_LIB64 = 0x0200;
export const FLAG_X8664_LIB64 = 0x0300;
export const FLAG_S390_LIB64 = 0x0400;
export const FLAG_POWERPC_LIB64 = 0x0500;
export const FLAG_X8664_LIBX32 = 0x0800;
export const FLAG_ARM_LIBHF = 0x0900;
export const FLAG_AARCH64_LIB64 = 0x0a00;
export const FLAG_ARM_LIBSF = 0x0b00;
export const FLAG_RISCV_FLOAT_ABI_SOFT = 0x0f00;
export const FLAG_RISCV_FLOAT_ABI_DOUBLE = 0x1000;

/** The `dir=TYPE` suffixes of ld.so.conf lines (an unknown type means FLAG_ANY). */
export const LIB_TYPES: Record<string, number> = {
  libc4: 0x0000,
  libc5: FLAG_ELF_LIBC5,
  libc6: FLAG_ELF_LIBC6,
  glibc2: FLAG_ELF_LIBC6,
};

/** Whether a flag is one of the libc5/libc6 "ELF with a known libc" flags. */
export function isLibcFlag(flag: number): boolean {
  return flag === FLAG_ELF_LIBC5 || flag === FLAG_ELF_LIBC6;
}
