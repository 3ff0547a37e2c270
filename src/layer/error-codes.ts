// The error codes layer throws: none of its own yet (a layer's failures are tar's and oci's, which pass
// through); the catalog is here so that a new one has its place.
import type { ErrorCatalog } from '../util/index.ts';

export const LAYER_ERROR_CODES = {} as const satisfies ErrorCatalog;

export type LayerErrorCode = keyof typeof LAYER_ERROR_CODES;
