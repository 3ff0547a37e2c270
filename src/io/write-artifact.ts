// Writes an artifact to any transport reference, atomically. `oci:` without a tag writes `latest`, so the
// layout always names what it holds; archives without a name carry no tag.
import type { Artifact, Descriptor } from '../oci/index.ts';
import { PithError } from '../util/index.ts';
import { writeDockerArchive } from './archive/docker-archive.ts';
import { writeOciArchive } from './archive/oci-archive.ts';
import { writeLayoutDir } from './layout/write.ts';
import type { PushOptions } from './registry/push.ts';
import { pushRemote, type RemoteOptions } from './registry/remote.ts';
import type { TransportRef } from './transport-ref.ts';

/** Writes an artifact; returns the descriptor of what was written. */
export async function writeArtifact(
  ref: TransportRef,
  artifact: Artifact,
  opts: RemoteOptions & PushOptions = {},
): Promise<Descriptor> {
  const { signal } = opts;
  switch (ref.transport) {
    case 'oci':
      return writeLayoutDir(ref.path, artifact, { tag: ref.tag ?? 'latest', signal });
    case 'oci-archive':
      return writeOciArchive(ref.path, artifact, ref.tag ?? 'latest', signal);
    case 'docker':
      return pushRemote(ref.ref, artifact, opts);
    case 'docker-archive':
      if (ref.index !== undefined)
        throw new PithError('input', 'BAD_TRANSPORT_REF', 'docker-archive:FILE:@INDEX is only for reading');
      return writeDockerArchive(ref.path, artifact, ref.name, signal);
  }
}
