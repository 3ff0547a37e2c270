// The members of an OCI image layout as archive files: `oci-layout`, every blob (verified while it is
// streamed into the archive), and index.json. Shared by oci-archive and the docker-archive hybrid.
import {
  type Artifact,
  type Blob,
  blobsInPushOrder,
  buildIndex,
  type Descriptor,
  verifiedContent,
} from '../../oci/index.ts';
import { blobPath, INDEX_FILE, OCI_LAYOUT_BYTES, OCI_LAYOUT_FILE } from '../layout/paths.ts';
import type { ArchiveMember } from './archive-file.ts';

/** Archive members of a one-entry layout holding `artifact` under the given index.json descriptor. */
export function layoutMembers(artifact: Artifact, entry: Descriptor): ArchiveMember[] {
  const index = buildIndex([entry]);
  return [
    bytesMember(OCI_LAYOUT_FILE, OCI_LAYOUT_BYTES),
    ...blobsInPushOrder(artifact).map(blobMember),
    bytesMember(INDEX_FILE, index.raw),
  ];
}

export function bytesMember(path: string, bytes: Buffer): ArchiveMember {
  return {
    path,
    size: bytes.length,
    async *content() {
      yield bytes;
    },
  };
}

function blobMember(b: Blob): ArchiveMember {
  return { path: blobPath(b.descriptor.digest), size: b.descriptor.size, content: () => verifiedContent(b) };
}
