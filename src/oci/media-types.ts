// Media types of the OCI image-spec and their Docker schema-2 equivalents, with predicates.
// Unknown media types are never an error when storing or copying (image-spec media-types.md).

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  ociLayoutHeader: 'application/vnd.oci.layout.header.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export type KnownMediaType = (typeof MediaType)[keyof typeof MediaType];

/** How a layer blob is compressed, judged by its media type. */
export type LayerCompression = 'none' | 'gzip' | 'zstd';

export function isIndexType(mt: string | undefined): boolean {
  return mt === MediaType.ociIndex || mt === MediaType.dockerManifestList;
}

export function isManifestType(mt: string | undefined): boolean {
  return mt === MediaType.ociManifest || mt === MediaType.dockerManifest;
}

export function isImageConfigType(mt: string | undefined): boolean {
  return mt === MediaType.ociConfig || mt === MediaType.dockerConfig;
}

const LAYERS: Record<string, LayerCompression> = {
  [MediaType.ociLayer]: 'none',
  [MediaType.ociLayerGzip]: 'gzip',
  [MediaType.ociLayerZstd]: 'zstd',
  [MediaType.ociLayerNondistributable]: 'none',
  [MediaType.ociLayerNondistributableGzip]: 'gzip',
  [MediaType.ociLayerNondistributableZstd]: 'zstd',
  [MediaType.dockerLayer]: 'none',
  [MediaType.dockerLayerGzip]: 'gzip',
  [MediaType.dockerForeignLayerGzip]: 'gzip',
};

/** The compression of a layer media type, or undefined for a type that is not a known layer. */
export function layerCompression(mt: string): LayerCompression | undefined {
  return Object.hasOwn(LAYERS, mt) ? LAYERS[mt] : undefined;
}

/** The OCI layer media type for a compression. */
export function ociLayerType(c: LayerCompression): string {
  return c === 'gzip' ? MediaType.ociLayerGzip : c === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayer;
}
