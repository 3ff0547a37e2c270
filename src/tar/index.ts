// Public surface of tar: a deterministic writer with binary-exact xattrs, a streaming reader and an on-disk
// indexer sharing one header parser, safe in-image paths, and FileTree (the rootfs a layer is built from).
export type { EntryType, TarEntry } from './entry.ts';
export { type IndexedEntry, indexTarFile } from './index-file.ts';
export { type ReadEntry, readTar } from './reader.ts';
export { normalizeImagePath } from './safe-path.ts';
export { FileTree, type TreeNode } from './tree.ts';
export { type TarWriteOptions, writeTar } from './writer.ts';
