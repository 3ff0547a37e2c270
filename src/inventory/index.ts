// Public surface of inventory: what any image holds — the flattened file system (whiteouts applied, the
// layer of each path kept), the OS, the packages of its package databases, the files no package owns.

export * from './apk-db.ts';
export * from './chisel-manifest.ts';
export * from './debian-copyright.ts';
export * from './dpkg-db.ts';
export * from './error-codes.ts';
export * from './file-detectors.ts';
export * from './flatten.ts';
export * from './go-buildinfo.ts';
export * from './image-inventory.ts';
export * from './java-archive.ts';
export * from './language-packages.ts';
export * from './layer-usage.ts';
export * from './npm-graph.ts';
export * from './os-release.ts';
export * from './passwd.ts';
export * from './resolve-path.ts';
export * from './rpm-db.ts';
export * from './rpm-header.ts';
export * from './runtimes.ts';
export * from './types.ts';
