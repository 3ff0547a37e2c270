// Public surface of lockfile: pith.lock.json — its format, reading and writing.
export * from './lock-file.ts';
