// The layout's own index.json: one descriptor per named image, carrying `org.opencontainers.image.ref.name`
// (the tag) and, for archives meant for docker/containerd, `io.containerd.image.name` (the full name), as
// Docker ≥ 25 writes them (moby#47065), and the referrers listed beside them (SBOMs, VEX: entries with
// an artifactType). Entries are sorted, images first, so the bytes never depend on write order.

import {
  Annotation,
  type Annotations,
  type Artifact,
  buildIndex,
  type Descriptor,
  type IndexDocument,
  topDocument,
} from '../../oci/index.ts';
import { compareText } from '../../util/index.ts';

/** The descriptor for an artifact as listed in index.json. */
export function layoutDescriptor(a: Artifact, names: { tag?: string; fullName?: string }): Descriptor {
  const annotations: Annotations = {};
  if (names.fullName) annotations[Annotation.containerdName] = names.fullName;
  if (names.tag) annotations[Annotation.refName] = names.tag;
  const doc = topDocument(a);
  return doc.descriptor(Object.keys(annotations).length ? { annotations } : {});
}

/**
 * Adds an entry to existing entries (skopeo semantics: a tag names one image, so entries carrying the
 * same tag lose it; an untagged duplicate of the same digest is dropped).
 */
export function mergeEntries(existing: readonly Descriptor[], entry: Descriptor): IndexDocument {
  const tag = entry.annotations?.[Annotation.refName];
  const kept = existing.filter((d) => {
    const t = d.annotations?.[Annotation.refName];
    if (tag !== undefined && t === tag) return false;
    return !(t === undefined && d.digest === entry.digest);
  });
  const all = [...kept, entry].sort(compareEntries);
  return buildIndex(all);
}

/** Images first (by tag, then digest), then referrers (entries with an artifactType) by type and digest. */
function compareEntries(a: Descriptor, b: Descriptor): number {
  const key = (d: Descriptor) =>
    d.artifactType === undefined
      ? `0\0${d.annotations?.[Annotation.refName] ?? ''}\0${d.digest}`
      : `1\0${d.artifactType}\0${d.digest}`;
  const ka = key(a);
  const kb = key(b);
  return compareText(ka, kb);
}
