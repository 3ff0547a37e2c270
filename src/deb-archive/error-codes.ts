// The error codes deb-archive throws: a .deb (or its ar container, control or data member) that is broken
// or uses what pith does not read, and ar members pith cannot write.
import type { ErrorCatalog } from '../util/index.ts';

export const DEB_ARCHIVE_ERROR_CODES = {
  BAD_AR: { kind: 'invalid', meaning: 'A package is not a well-formed ar archive (or is truncated).' },
  BAD_DEB_VERSION: { kind: 'invalid', meaning: "A package's debian-binary is not format 2.x." },
  BAD_DEB_MEMBER: {
    kind: 'invalid',
    meaning: 'A package is missing a member, or has one out of order or unknown.',
  },
  BAD_DEB_CONTROL: {
    kind: 'invalid',
    meaning: "A package's control.tar has no control file or a bad md5sums.",
  },
  BAD_DEB_COMPRESSION: {
    kind: 'invalid',
    meaning: "A package member's data is not compressed the way its name says.",
  },
  UNSUPPORTED_DEB_COMPRESSION: {
    kind: 'invalid',
    meaning: 'A package member uses bzip2 or lzma (pith reads xz, zstd, gzip and none).',
  },
  BAD_GZIP: { kind: 'invalid', meaning: 'A gzip-compressed package member is corrupt or truncated.' },
  BAD_ZSTD: { kind: 'invalid', meaning: 'A zstd-compressed package member is corrupt or truncated.' },
  AR_BODY_REUSED: { kind: 'internal', meaning: 'An ar member was read twice, or after the next one.' },
  BAD_AR_NAME: { kind: 'input', meaning: 'An ar member name to write is not a short printable name.' },
  AR_TOO_BIG: { kind: 'input', meaning: 'An ar member to write is larger than the ar format holds.' },
} as const satisfies ErrorCatalog;

export type DebArchiveErrorCode = keyof typeof DEB_ARCHIVE_ERROR_CODES;
