// Names inside an OCI image layout (image-spec image-layout.md): `oci-layout`, `index.json`, and
// `blobs/<algorithm>/<encoded>` for every blob.
import { type Digest, splitDigest } from '../../util/index.ts';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const LAYOUT_VERSION = '1.0.0';
export const OCI_LAYOUT_BYTES = Buffer.from(`{"imageLayoutVersion":"${LAYOUT_VERSION}"}`);

/** The relative path of a blob in a layout. */
export function blobPath(d: Digest): string {
  const { algorithm, encoded } = splitDigest(d);
  return `blobs/${algorithm}/${encoded}`;
}
