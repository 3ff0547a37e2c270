// Public surface of apt-repo: the Debian repository client and resolver as a library — deb822, dpkg
// versions and relations, mirror discovery, verified InRelease and Packages, the download cache, the
// package universe and the resolver. No image knowledge.

export { ContentCache, defaultCacheDir } from '../util/index.ts';
export * from './apt-sources.ts';
export * from './arch.ts';
export * from './behind-suite.ts';
export * from './compact-index.ts';
export * from './contents.ts';
export * from './deb822.ts';
export { APT_REPO_ERROR_CODES, type AptRepoErrorCode } from './error-codes.ts';
export * from './fetch-debs.ts';
export * from './http.ts';
export * from './keyring.ts';
export * from './package-record.ts';
export * from './relations.ts';
export * from './release.ts';
export * from './resolver.ts';
export * from './session.ts';
export * from './suite-client.ts';
export * from './universe.ts';
export * from './version.ts';
