// The referrers of an artifact's manifests (SBOMs, VEX, signatures: manifests whose `subject` is one of
// them): in a layout, the index.json entries carrying an artifactType whose manifest names one of the
// digests as subject; in a registry, what its referrers API (or the fallback tag) lists for each digest.
// Archives list none. Sorted by artifactType, then digest, as a layout's index.json lists them.

import {
  type Descriptor,
  type ImageReference,
  LIMITS,
  parseManifest,
  verifiedContent,
} from '../oci/index.ts';
import type { Digest } from '../util/index.ts';
import { compareText, PithError, readAll } from '../util/index.ts';
import { blobPath } from './layout/paths.ts';
import { layoutDirSource, loadChild, readLayoutIndex } from './layout/read.ts';
import { listReferrers, listReferrersVia, type ReferrersVia } from './registry/referrers.ts';
import { clientFor, pullRemote, type RemoteOptions } from './registry/remote.ts';
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

/**
 * The referrers of one digest and where the list came from: a layout's index.json, or a registry's
 * referrers API or fallback tag (what `pith verify` reports).
 */
export async function referrersOf(
  ref: TransportRef,
  digest: Digest,
  opts: RemoteOptions = {},
): Promise<{ referrers: Referrer[]; via: ReferrersVia | 'layout' | 'none' }> {
  if (ref.transport !== 'docker') {
    const referrers = await readReferrers(ref, [digest], opts);
    return { referrers, via: ref.transport === 'oci' ? 'layout' : 'none' };
  }
  const { referrers, via } = await listReferrersVia(clientFor(ref.ref, opts), ref.ref.repository, digest);
  return { referrers: sortReferrers(referrers.map((d) => ({ ...d, subject: digest }))), via };
}

/** A referrer's manifest annotations and its first layer's bytes (at most `maxBytes`), checked by digest. */
export async function readReferrerLayer(
  ref: TransportRef,
  desc: Descriptor,
  maxBytes: number,
  opts: RemoteOptions = {},
): Promise<{ annotations: Record<string, string>; layer: Descriptor; bytes: Buffer }> {
  const where = `${desc.digest}`;
  const child =
    ref.transport === 'docker'
      ? await pullRemote({ ...ref.ref, digest: desc.digest, tag: undefined } as ImageReference, opts)
      : ref.transport === 'oci'
        ? await loadChild(await layoutDirSource(ref.path, `oci:${ref.path}`), desc)
        : undefined;
  if (child?.kind !== 'image' || child.layers.length === 0)
    throw new PithError('input', 'NOT_AN_IMAGE', `referrer ${where} is not a manifest with a layer`);
  const blob = child.layers[0]!;
  if (blob.descriptor.size > maxBytes)
    throw new PithError(
      'invalid',
      'LIMIT_EXCEEDED',
      `referrer ${where}: its layer is ${blob.descriptor.size} bytes (at most ${maxBytes} are read)`,
    );
  return {
    annotations: { ...child.manifest.value.annotations },
    layer: blob.descriptor,
    bytes: await readAll(verifiedContent(blob, `referrer ${where}`)),
  };
}

/** Referrers in the order a layout's index.json lists them: by artifactType, then digest. */
export function sortReferrers(list: Referrer[]): Referrer[] {
  const key = (d: Referrer) => `${d.artifactType ?? ''}\0${d.digest}`;
  return list.sort((a, b) => compareText(key(a), key(b)));
}
