// Editing images already built, as crane's mutate does: an image with a new config and layer list under its
// manifest's own annotations (edits that add or swap layers: debug, rebase), and one edit applied to every
// image of an index, whose entries keep their platform and annotations. Layer blobs are reused as they are,
// so every layer an edit keeps has the same digest and diff_id. The results are OCI documents.
import type { Annotations } from './annotations.ts';
import { type Blob, memoryBlob } from './blob.ts';
import type { Descriptor } from './descriptor.ts';
import { JsonDocument } from './document.ts';
import type { Artifact, Child, Image } from './image.ts';
import { buildImageConfig, type ImageConfigJson } from './image-config.ts';
import type { IndexJson } from './image-index.ts';
import { buildManifest } from './manifest.ts';
import { MediaType } from './media-types.ts';

/** `image` with a new config and layers; its manifest's annotations are kept unless `annotations` replaces them. */
export function editImage(
  image: Image,
  config: ImageConfigJson,
  layers: readonly Blob[],
  annotations: Annotations | undefined = image.manifest.value.annotations,
): Image {
  const doc = buildImageConfig(config);
  const manifest = buildManifest({
    config: doc.descriptor(),
    layers: layers.map((l) => l.descriptor),
    ...(annotations ? { annotations } : {}),
  });
  return {
    kind: 'image',
    manifest,
    config: doc,
    configBlob: memoryBlob(doc.descriptor(), doc.raw),
    layers: [...layers],
  };
}

/**
 * Applies `edit` to every image of an artifact that has an image config (opaque entries stay as they are;
 * BuildKit attestation manifests are left out, as they name the digest of the unedited image); each index
 * is rebuilt over the results, its entries'
 * platforms and annotations kept, its own annotations passed through `indexAnnotations`.
 */
export async function editImages(
  artifact: Artifact,
  edit: (image: Image) => Promise<Image>,
  indexAnnotations: (a: Annotations | undefined) => Annotations | undefined = (a) => a,
): Promise<Artifact> {
  const visit = async (child: Child): Promise<Child> => {
    if (child.kind === 'blob') return child;
    if (child.kind === 'image') return child.config ? edit(child) : child;
    const children: Child[] = [];
    const manifests: Descriptor[] = [];
    for (const [i, c] of child.children.entries()) {
      const d = child.index.value.manifests[i]!;
      // BuildKit's attestations describe the image as it was; they name its old digest, so they go
      if (isAttestationManifest(d)) continue;
      const edited = await visit(c);
      children.push(edited);
      manifests.push(entryFor(d, edited));
    }
    const annotations = indexAnnotations(child.index.value.annotations);
    const { annotations: _old, manifests: _entries, ...rest } = child.index.value;
    const value: IndexJson = {
      ...rest,
      mediaType: MediaType.ociIndex,
      manifests,
      ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
    };
    return { kind: 'index', index: JsonDocument.of(value, MediaType.ociIndex), children };
  };
  return (await visit(artifact)) as Artifact;
}

/**
 * An attestation manifest as BuildKit lists it in an index (Docker's attestation-storage spec): the
 * `vnd.docker.reference.type: attestation-manifest` annotation, or the platform unknown/unknown.
 */
export function isAttestationManifest(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown')
  );
}

/** An index entry for its (possibly edited) child: the document's type, digest and size, the rest kept. */
function entryFor(d: Descriptor, child: Child): Descriptor {
  if (child.kind === 'blob') return d;
  const doc = child.kind === 'image' ? child.manifest : child.index;
  return { ...d, mediaType: doc.mediaType, digest: doc.digest, size: doc.size };
}
