// Reads an artifact from any transport reference: the one entry point for `inspect`, `validate`, `copy`.
import type { Artifact } from '../oci/index.ts';
import { type Scope, throwIfAborted } from '../util/index.ts';
import { readDockerArchive } from './archive/docker-archive.ts';
import { readOciArchive } from './archive/oci-archive.ts';
import { layoutDirSource, readLayout } from './layout/read.ts';
import { pullRemote, type RemoteOptions } from './registry/remote.ts';
import type { TransportRef } from './transport-ref.ts';

export interface ReadOptions extends RemoteOptions {
  /** Closes over what reading leaves to tidy (a compressed archive's decompressed copy). */
  scope?: Scope | undefined;
}

/** Reads the artifact a transport reference names; `opts` matter for registries (and `signal` for all). */
export async function readArtifact(ref: TransportRef, opts: ReadOptions = {}): Promise<Artifact> {
  throwIfAborted(opts.signal);
  switch (ref.transport) {
    case 'oci':
      return readLayout(await layoutDirSource(ref.path, `oci:${ref.path}`), ref.tag ? { tag: ref.tag } : {});
    case 'oci-archive':
      return readOciArchive(ref.path, ref.tag, opts.scope);
    case 'docker':
      return pullRemote(ref.ref, opts);
    case 'docker-archive':
      return readDockerArchive(ref.path, {
        ...(ref.name ? { name: ref.name } : {}),
        ...(ref.index !== undefined ? { index: ref.index } : {}),
        ...(opts.scope ? { scope: opts.scope } : {}),
      });
  }
}
