// The referrers of an artifact's manifests (SBOMs, VEX, signatures: manifests whose `subject` is one of
// them): in a layout, the index.json entries carrying an artifactType whose manifest names one of the
// digests as subject; in a registry, what its referrers API (or the fallback tag) lists for each digest.
// Archives list none. Sorted by artifactType, then digest, as a layout's index.json lists them.

import { type Descriptor, LIMITS, parseManifest } from '../oci/index.ts';
import type { Digest } from '../util/index.ts';
import { compareText } from '../util/index.ts';
import { blobPath } from './layout/paths.ts';
import { layoutDirSource, readLayoutIndex } from './layout/read.ts';
import { listReferrers } from './registry/referrers.ts';
import { clientFor, type RemoteOptions } from './registry/remote.ts';
import type { TransportRef } from './transport-ref.ts';

/** A referrer: its manifest's descriptor (with artifactType) and the digest it refers to. */
export interface Referrer extends Descriptor {
  subject: Digest;
}

/** How many referrer manifests of a layout are read at most. */
const MAX_LAYOUT_REFERRERS = 10_000;

export async function readReferrers(
  ref: TransportRef,
  digests: readonly Digest[],
  opts: RemoteOptions = {},
): Promise<Referrer[]> {
  const wanted = new Set<string>(digests);
  const out: Referrer[] = [];
  if (ref.transport === 'oci') {
    const src = await layoutDirSource(ref.path, `oci:${ref.path}`);
    const entries = (await readLayoutIndex(src)).value.manifests.filter((d) => d.artifactType !== undefined);
    for (const d of entries.slice(0, MAX_LAYOUT_REFERRERS)) {
      const raw = await src.read(blobPath(d.digest), LIMITS.manifestBytes);
      if (!raw) continue;
      const m = parseManifest(raw, d.mediaType, `oci:${ref.path} ${d.digest}`).value;
      const subject = m.subject?.digest;
      // as the referrers API lists it: the manifest's annotations on its descriptor
      if (subject && wanted.has(subject))
        out.push({
          ...d,
          ...(m.annotations ? { annotations: m.annotations } : {}),
          subject: subject as Digest,
        });
    }
  } else if (ref.transport === 'docker') {
    const client = clientFor(ref.ref, opts);
    for (const subject of wanted)
      for (const d of await listReferrers(client, ref.ref.repository, subject as Digest))
        out.push({ ...d, subject: subject as Digest });
  }
  return sortReferrers(out);
}

/** Referrers in the order a layout's index.json lists them: by artifactType, then digest. */
export function sortReferrers(list: Referrer[]): Referrer[] {
  const key = (d: Referrer) => `${d.artifactType ?? ''}\0${d.digest}`;
  return list.sort((a, b) => compareText(key(a), key(b)));
}
