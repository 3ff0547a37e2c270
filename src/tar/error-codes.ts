// The error codes tar throws: malformed archives, entries and paths that cannot go into an image's file
// tree, and content that changed size while a layer was written.
import { type ErrorCatalog, errorFactory } from '../util/index.ts';

export const TAR_ERROR_CODES = {
  BAD_TAR: {
    kind: 'invalid',
    meaning: 'A tar archive is malformed (bad checksum, truncated, bad PAX record).',
  },
  TOO_MANY_ENTRIES: { kind: 'invalid', meaning: 'A tar archive has more entries than pith reads.' },
  READ_FAILED: { kind: 'io', meaning: 'A tar file on disk could not be opened.' },
  BAD_ENTRY: {
    kind: 'input',
    meaning: 'A file cannot be written as a tar entry (name, size, owner or mode).',
  },
  BAD_PATH: { kind: 'input', meaning: 'A path in the image is empty, holds a NUL byte, or is the root.' },
  PATH_TRAVERSAL: { kind: 'input', meaning: 'A path in the image escapes its root with "..".' },
  BAD_HARDLINK: {
    kind: 'input',
    meaning: 'A hardlink in the image points nowhere or at something not a file.',
  },
  DUPLICATE_PATH: {
    kind: 'input',
    meaning: 'Two sources put different files at the same path in the image.',
  },
  CONTENT_SIZE_CHANGED: {
    kind: 'io',
    meaning: 'A file gave more or fewer bytes than its recorded size while a layer was written.',
  },
} as const satisfies ErrorCatalog;

export type TarErrorCode = keyof typeof TAR_ERROR_CODES;

/** A tar error: the code must be tar's, the kind is the catalog's. */
export const tarError = errorFactory(TAR_ERROR_CODES);
