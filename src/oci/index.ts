// Public surface of the OCI model: pure values and checks, no I/O.
export * from './annotations.ts';
export * from './artifact-nodes.ts';
export * from './blob.ts';
export * from './descriptor.ts';
export * from './document.ts';
export * from './edit-image.ts';
export { OCI_ERROR_CODES, type OciErrorCode } from './error-codes.ts';
export * from './image.ts';
export * from './image-config.ts';
export * from './image-index.ts';
export * from './limits.ts';
export * from './load-artifact.ts';
export * from './manifest.ts';
export * from './media-types.ts';
export * from './platform.ts';
export * from './reference.ts';
export * from './referrer.ts';
export * from './validate.ts';
