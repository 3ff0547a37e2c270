// The Accept header for manifest requests: every manifest and index type, OCI and Docker, so registries
// never fall back to schema 1 (briefs/oci.md §2 practice; ggcr and sigstore-js send the same list).
import { MediaType } from '../../oci/index.ts';

export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
].join(', ');
