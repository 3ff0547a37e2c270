// Public surface of assemble: a config (and its Debian packages, files and base image) assembled into
// an image or index in memory (orchestration only; no sinks).
export { type BaseForArch, baseFor } from './base-image.ts';
export { binaryArch } from './binary-arch.ts';
export * from './build-image.ts';
export { ASSEMBLE_ERROR_CODES, type AssembleErrorCode } from './error-codes.ts';
export { DEFAULT_PATH, DEFAULT_USER } from './exec-config.ts';
export { JAVA_VERSION_ANNOTATION } from './java-runtime.ts';
export * from './ldd.ts';
