// Writes referrers (SBOMs, VEX documents: artifacts whose manifest names a subject) next to an artifact
// already written: in a layout, as untagged index.json entries with their artifactType; in a registry,
// pushed by digest (listed by its referrers API, or by the fallback tag pith keeps for registries without
// one). Archives have no place for them: nothing is written, and the caller is told.
import type { Descriptor, Image } from '../oci/index.ts';
import { addLayoutReferrers } from './layout/write.ts';
import type { PushOptions } from './registry/push.ts';
import { pushReferrers, type RemoteOptions } from './registry/remote.ts';
import type { TransportRef } from './transport-ref.ts';

/** What happened to the referrers: written (their descriptors), or why not. */
export type ReferrersWritten = { written: Descriptor[] } | { skipped: string };

export async function writeReferrers(
  ref: TransportRef,
  referrers: readonly Image[],
  opts: RemoteOptions & PushOptions = {},
): Promise<ReferrersWritten> {
  if (referrers.length === 0) return { written: [] };
  switch (ref.transport) {
    case 'oci':
      return { written: await addLayoutReferrers(ref.path, referrers, opts.signal) };
    case 'docker':
      return { written: await pushReferrers(ref.ref, referrers, opts) };
    default:
      return { skipped: `${ref.transport} archives have no place for referrers` };
  }
}
