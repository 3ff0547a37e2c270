// Chooses one entry of a layout's index.json: by tag (`org.opencontainers.image.ref.name`), by full name
// (`io.containerd.image.name`), or the only image when no tag is given (referrers listed beside it aside).
import { Annotation, type Descriptor } from '../../oci/index.ts';
import { PithError } from '../../util/index.ts';

export interface LayoutSelector {
  /** The `org.opencontainers.image.ref.name` value. */
  tag?: string;
  /** A full image name matched against `io.containerd.image.name` (and its tag against ref.name). */
  name?: string;
}

/** The descriptor a selector names; errors list what the layout does hold. */
export function selectEntry(entries: readonly Descriptor[], sel: LayoutSelector, where: string): Descriptor {
  const tags = entries.map((d) => d.annotations?.[Annotation.refName]).filter((t): t is string => !!t);
  if (sel.tag !== undefined || sel.name !== undefined) {
    const hit = entries.find(
      (d) =>
        (sel.tag !== undefined && d.annotations?.[Annotation.refName] === sel.tag) ||
        (sel.name !== undefined && d.annotations?.[Annotation.containerdName] === sel.name),
    );
    if (hit) return hit;
    const what = sel.tag ?? sel.name;
    throw new PithError(
      'input',
      'TAG_NOT_FOUND',
      `${where}: no image tagged "${what}"${tags.length ? ` (tags: ${tags.join(', ')})` : ' (it has no tags)'}`,
    );
  }
  // referrers listed beside an image (an SBOM, a VEX document: entries with an artifactType) are not
  // candidates for "the only image"
  const images = entries.filter((d) => d.artifactType === undefined);
  if (images.length === 1) return images[0]!;
  if (images.length === 0)
    throw new PithError('input', 'EMPTY_LAYOUT', `${where}: the layout holds no images`);
  throw new PithError(
    'input',
    'AMBIGUOUS',
    `${where}: holds ${images.length} images; name one with :TAG (tags: ${tags.join(', ') || 'none'})`,
  );
}
