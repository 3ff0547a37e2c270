// Reads an artifact from any transport reference: the one entry point for `inspect`, `validate`, `copy`.
import type { Artifact } from '../oci/index.ts';
import { throwIfAborted } from '../util/index.ts';
import { readDockerArchive } from './archive/docker-archive.ts';
import { readOciArchive } from './archive/oci-archive.ts';
import type { OpenArchiveOptions } from './archive/open-archive.ts';
import { layoutDirSource, readLayout } from './layout/read.ts';
import { pullRemote, type RemoteOptions } from './registry/remote.ts';
import type { TransportRef } from './transport-ref.ts';

export interface ReadOptions extends RemoteOptions {
  /** Where a compressed archive is decompressed to (default $TMPDIR); `scope` removes the copy. */
  tmpDir?: string | undefined;
}

/** Reads the artifact a transport reference names; `opts` matter for registries (and `signal` for all). */
export async function readArtifact(ref: TransportRef, opts: ReadOptions = {}): Promise<Artifact> {
  throwIfAborted(opts.signal);
  switch (ref.transport) {
    case 'oci':
      return readLayout(await layoutDirSource(ref.path, `oci:${ref.path}`), ref.tag ? { tag: ref.tag } : {});
    case 'oci-archive':
      return readOciArchive(ref.path, ref.tag, archiveOptions(opts));
    case 'docker':
      return pullRemote(ref.ref, opts);
    case 'docker-archive':
      return readDockerArchive(ref.path, {
        ...(ref.name ? { name: ref.name } : {}),
        ...(ref.index !== undefined ? { index: ref.index } : {}),
        ...archiveOptions(opts),
      });
  }
}

/** What reading an archive file needs of the read options. */
function archiveOptions(opts: ReadOptions): OpenArchiveOptions {
  return {
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}
