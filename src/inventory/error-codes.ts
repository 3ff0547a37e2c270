// The error codes inventory throws: a layer that is not a layer.
import type { ErrorCatalog } from '../util/index.ts';

export const INVENTORY_ERROR_CODES = {
  NOT_A_LAYER: {
    kind: 'invalid',
    meaning: 'A manifest lists a layer whose media type is not a layer type pith can read.',
  },
} as const satisfies ErrorCatalog;

export type InventoryErrorCode = keyof typeof INVENTORY_ERROR_CODES;
