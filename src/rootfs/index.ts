// Public surface of rootfs: Debian packages unpacked into an image's root file system, with the effects
// of their maintainer scripts replicated (CA bundle, busybox links, ld.so.cache, os-release), never run.
export * from './elf.ts';
export { ROOTFS_ERROR_CODES, type RootfsErrorCode } from './error-codes.ts';
export * from './install.ts';
export type { Jvm } from './jvm-alternatives.ts';
export * from './ldso/arch-specs.ts';
