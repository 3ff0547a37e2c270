// The error codes zip throws: an archive yauzl cannot read, or one over pith's limits.
import type { ErrorCatalog } from '../util/index.ts';

export const ZIP_ERROR_CODES = {
  ZIP_INVALID: { kind: 'input', meaning: 'A zip archive (an OSV export, a jar) is broken or not a zip.' },
  ZIP_TOO_LARGE: {
    kind: 'input',
    meaning:
      'A zip archive has more entries, or an entry or the whole inflates to more bytes, than pith allows.',
  },
} as const satisfies ErrorCatalog;

export type ZipErrorCode = keyof typeof ZIP_ERROR_CODES;
