// The error codes layer throws (a layer's other failures are tar's and oci's, which pass through).
import type { ErrorCatalog } from '../util/index.ts';

export const LAYER_ERROR_CODES = {
  LAYER_CHANGED: {
    kind: 'input',
    meaning:
      "A layer's files changed while it was being written (its tar hashed differently the second time); build again.",
  },
} as const satisfies ErrorCatalog;

export type LayerErrorCode = keyof typeof LAYER_ERROR_CODES;
