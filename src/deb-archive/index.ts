// Public surface of deb: a streaming, never-executing reader of binary Debian packages (.deb), its ar
// layer, and a test-support builder of valid packages in memory (for hermetic tests and fake repositories).
export { type ArMember, readAr } from './ar.ts';
export type { DebControl } from './control-tar.ts';
export { type DebContents, readDeb, readDebControl } from './deb-file.ts';
export { DEB_ARCHIVE_ERROR_CODES, type DebArchiveErrorCode } from './error-codes.ts';
export { type ArInput, writeAr } from './write-ar.ts';
export { type BuildDebOptions, buildDeb } from './write-deb.ts';
