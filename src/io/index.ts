// Public surface of io: sources and sinks of artifacts, addressed by transport references.

export * from './archive/docker-archive.ts';
export * from './archive/oci-archive.ts';
export { type TarFileKind, tarCompression } from './archive/open-archive.ts';
export * from './cosign-tags.ts';
export {
  DISTRIBUTION_ERROR_CODES,
  type DistributionErrorCode,
  IO_ERROR_CODES,
  type IoErrorCode,
  isDistributionErrorCode,
  type RegistryErrorCode,
} from './error-codes.ts';
export * from './file-source.ts';
export * from './layout/read.ts';
export * from './layout/write.ts';
export * from './read-artifact.ts';
export * from './read-referrers.ts';
export * from './registry/auth/index.ts';
export * from './registry/cache-repo.ts';
export { RegistryClient } from './registry/client.ts';
export type { BlobProgress, OnProgress } from './registry/progress.ts';
export * from './registry/remote.ts';
export { type Diagnostic, RegistryError } from './registry/transport/index.ts';
export * from './transport-ref.ts';
export * from './write-artifact.ts';
export * from './write-referrers.ts';
