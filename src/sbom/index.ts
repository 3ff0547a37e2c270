// Public surface of sbom: SBOM documents (CycloneDX 1.5/1.6 and SPDX 2.3 JSON) and package URLs from an
// inventory, byte-for-byte reproducible.
export * from './cyclonedx.ts';
export * from './error-codes.ts';
export * from './image-name.ts';
export {
  CYCLONEDX_VERSIONS,
  type CycloneDxOptions,
  type CycloneDxVersion,
  SBOM_TOOL,
  type SbomOptions,
  type SpdxOptions,
  timestampOf,
  uuidFrom,
} from './model.ts';
export * from './purl.ts';
export * from './serialize.ts';
export * from './spdx.ts';
