// Reads an artifact from any transport reference: the one entry point for `inspect`, `validate`, `copy`.
import type { Artifact } from '../oci/index.ts';
import { throwIfAborted } from '../util/index.ts';
import { readDockerArchive } from './archive/docker-archive.ts';
import { readOciArchive } from './archive/oci-archive.ts';
import { layoutDirSource, readLayout } from './layout/read.ts';
import { pullRemote, type RemoteOptions } from './registry/remote.ts';
import type { TransportRef } from './transport-ref.ts';

/** Reads the artifact a transport reference names; `opts` matter for registries (and `signal` for all). */
export async function readArtifact(ref: TransportRef, opts: RemoteOptions = {}): Promise<Artifact> {
  throwIfAborted(opts.signal);
  switch (ref.transport) {
    case 'oci':
      return readLayout(await layoutDirSource(ref.path, `oci:${ref.path}`), ref.tag ? { tag: ref.tag } : {});
    case 'oci-archive':
      return readOciArchive(ref.path, ref.tag);
    case 'docker':
      return pullRemote(ref.ref, opts);
    case 'docker-archive':
      return readDockerArchive(ref.path, {
        ...(ref.name ? { name: ref.name } : {}),
        ...(ref.index !== undefined ? { index: ref.index } : {}),
      });
  }
}
