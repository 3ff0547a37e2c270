// The error codes sbom throws: a document format version it does not write.
import { type ErrorCatalog, errorFactory } from '../util/index.ts';

export const SBOM_ERROR_CODES = {
  UNSUPPORTED_SBOM_VERSION: {
    kind: 'usage',
    meaning: 'An SBOM was asked for in a specification version pith does not write (CycloneDX 1.5 and 1.6).',
  },
} as const satisfies ErrorCatalog;

export type SbomErrorCode = keyof typeof SBOM_ERROR_CODES;

export const sbomError = errorFactory(SBOM_ERROR_CODES);
