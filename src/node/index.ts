// Public surface of node: the Node.js runtime (from the npm registry or a signed release dist, verified)
// and Node.js apps (package-lock.json's production install, ignore files, the command to run).

export { NODE_ERROR_CODES, type NodeErrorCode } from './error-codes.ts';
export * from './ignore-files.ts';
export * from './integrity.ts';
export * from './node-arch.ts';
export * from './node-entrypoint.ts';
export * from './node-preset.ts';
export * from './node-release.ts';
export * from './node-tree.ts';
export * from './npm-deps.ts';
export * from './npm-registry.ts';
export * from './package-lock.ts';
export * from './shasums.ts';
export * from './tarball.ts';
