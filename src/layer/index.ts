// Public surface of layer: layers built from file trees and tar entries, and the layer cache.
export { LAYER_ERROR_CODES, type LayerErrorCode } from './error-codes.ts';
export * from './from-entries.ts';
export * from './layer-store.ts';
