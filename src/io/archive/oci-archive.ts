// oci-archive: an OCI image layout packed in a tar file (skopeo's `oci-archive:FILE[:TAG]`).
import type { Artifact, Descriptor } from '../../oci/index.ts';
import { layoutDescriptor } from '../layout/index-json.ts';
import { readLayout } from '../layout/read.ts';
import { writeArchiveFile } from './archive-file.ts';
import { layoutMembers } from './layout-members.ts';
import { type OpenArchiveOptions, openArchive } from './open-archive.ts';

/** Writes an artifact as an OCI archive, atomically; returns its index.json descriptor. */
export async function writeOciArchive(
  file: string,
  artifact: Artifact,
  tag?: string,
  signal?: AbortSignal,
): Promise<Descriptor> {
  const entry = layoutDescriptor(artifact, tag ? { tag } : {});
  await writeArchiveFile(file, layoutMembers(artifact, entry), `oci-archive:${file}`, signal);
  return entry;
}

/** Reads the artifact tagged `tag` (or the only one) from an OCI archive. */
export async function readOciArchive(
  file: string,
  tag?: string,
  opts: OpenArchiveOptions = {},
): Promise<Artifact> {
  const src = await openArchive(file, `oci-archive:${file}`, opts);
  return readLayout(src, tag ? { tag } : {});
}
