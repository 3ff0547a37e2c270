// The error codes layer throws (a layer's other failures are tar's and oci's, which pass through).
import type { ErrorCatalog } from '../util/index.ts';

export const LAYER_ERROR_CODES = {
  LAYER_NOT_DETERMINISTIC: {
    kind: 'internal',
    meaning:
      "The same entries wrote two different tars while a layer was cached (a bug in pith's tar writer).",
  },
} as const satisfies ErrorCatalog;

export type LayerErrorCode = keyof typeof LAYER_ERROR_CODES;
