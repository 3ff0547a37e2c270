// Public surface of tar: a deterministic writer with binary-exact xattrs, a streaming reader and an on-disk
// indexer sharing one header parser, safe in-image paths, names as raw bytes (not only UTF-8), and
// FileTree (the rootfs a layer is built from).
export { bytesEntry, dirEntry, type EntryType, symlinkEntry, type TarEntry } from './entry.ts';
export { TAR_ERROR_CODES, type TarErrorCode } from './error-codes.ts';
export { isZeroBlock, verifyChecksum } from './fields.ts';
export type { ArchiveNames } from './header-decode.ts';
export {
  type IndexedEntry,
  type IndexOptions,
  indexTarFile,
  readTarFile,
  spanContent,
} from './index-file.ts';
export { nameFromBytes, nameToBytes } from './name-bytes.ts';
export { type ReadEntry, readTar, type StreamedEntry, streamTar } from './reader.ts';
export { normalizeImagePath } from './safe-path.ts';
export { FileTree, type TreeNode } from './tree.ts';
export { type TarWriteOptions, writeTar } from './writer.ts';
