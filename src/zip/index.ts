// Public surface of zip: the entries of a zip archive (OSV exports, Java archives), read one at a time
// within bounds.
export * from './error-codes.ts';
export * from './jar-manifest.ts';
export * from './zip-entries.ts';
