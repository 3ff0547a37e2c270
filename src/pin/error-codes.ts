// The error codes pin throws: files it cannot read or tell the format of, references it cannot resolve,
// and a rewrite that would break the file.
import type { ErrorCatalog } from '../util/index.ts';

export const PIN_ERROR_CODES = {
  PIN_UNKNOWN_FORMAT: {
    kind: 'usage',
    meaning: 'A file to pin is neither a Dockerfile nor YAML by its name or first instruction.',
  },
  BAD_YAML: { kind: 'input', meaning: 'A YAML file to pin is not valid YAML.' },
  PIN_FAILED: {
    kind: 'input',
    meaning: 'Some image references could not be resolved to a digest (all are listed).',
  },
  PIN_BROKE_FILE: {
    kind: 'internal',
    meaning: 'Pinning would have produced a broken file, so nothing was written.',
  },
} as const satisfies ErrorCatalog;

export type PinErrorCode = keyof typeof PIN_ERROR_CODES;
