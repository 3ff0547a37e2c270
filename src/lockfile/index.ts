// Public surface of lockfile: pith.lock.json — its format, reading and writing.
export { LOCKFILE_ERROR_CODES, type LockfileErrorCode } from './error-codes.ts';
export * from './lock-file.ts';
export * from './lock-schema.ts';
