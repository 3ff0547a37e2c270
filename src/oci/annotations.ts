// Pre-defined annotation keys (image-spec annotations.md) and the containerd name key that Docker ≥ 25
// and containerd use to name images in an OCI layout's index.json.

export const Annotation = {
  created: 'org.opencontainers.image.created',
  authors: 'org.opencontainers.image.authors',
  url: 'org.opencontainers.image.url',
  documentation: 'org.opencontainers.image.documentation',
  source: 'org.opencontainers.image.source',
  version: 'org.opencontainers.image.version',
  revision: 'org.opencontainers.image.revision',
  vendor: 'org.opencontainers.image.vendor',
  licenses: 'org.opencontainers.image.licenses',
  refName: 'org.opencontainers.image.ref.name',
  title: 'org.opencontainers.image.title',
  description: 'org.opencontainers.image.description',
  baseDigest: 'org.opencontainers.image.base.digest',
  baseName: 'org.opencontainers.image.base.name',
  containerdName: 'io.containerd.image.name',
} as const;

export type Annotations = Record<string, string>;

// image-spec image-layout.md: ref.name = component ("/" component)*, component = alnum (sep alnum)*,
// sep = [-._:@+] | "--"
const REF_NAME_RE =
  /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;

/** Whether a string is a valid `org.opencontainers.image.ref.name` value. */
export function isRefName(value: string): boolean {
  return REF_NAME_RE.test(value);
}
