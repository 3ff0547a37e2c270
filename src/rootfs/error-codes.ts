// The error codes rootfs throws: packages that lack what pith replicates from their maintainer scripts.
import type { ErrorCatalog } from '../util/index.ts';

export const ROOTFS_ERROR_CODES = {
  NO_BUSYBOX: { kind: 'invalid', meaning: 'The busybox package has no busybox binary.' },
  NO_CERTIFICATES: { kind: 'invalid', meaning: 'The ca-certificates package has no certificates.' },
  BAD_CERTIFICATE: {
    kind: 'invalid',
    meaning: 'A ca-certificates file holds no PEM certificate, so it cannot go into the Java keystore.',
  },
  NO_LOCALE: { kind: 'invalid', meaning: 'The libc-bin package has no C.utf8 locale.' },
  BAD_OS_RELEASE: { kind: 'invalid', meaning: "The base-files package's os-release has no ID line." },
  UNSUPPORTED_ARCH: { kind: 'invalid', meaning: 'pith cannot write an ld.so.cache for this architecture.' },
} as const satisfies ErrorCatalog;

export type RootfsErrorCode = keyof typeof ROOTFS_ERROR_CODES;
