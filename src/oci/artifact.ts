// An artifact manifest (image-spec 1.1 "Guidelines for Artifact Usage"): `artifactType` says what it
// carries, the config is the empty descriptor (`{}`, application/vnd.oci.empty.v1+json), the layers are
// the blobs it carries, and an optional `subject` makes it a referrer of that manifest.
import { sha256 } from '../util/index.ts';
import type { Annotations } from './annotations.ts';
import { type Blob, memoryBlob } from './blob.ts';
import type { Descriptor } from './descriptor.ts';
import type { Image } from './image.ts';
import { buildManifest } from './manifest.ts';
import { MediaType } from './media-types.ts';

const EMPTY = Buffer.from('{}');

/** An artifact of `layers` (blobs read lazily, as any image's): an image-shaped value with the empty config. */
export function buildArtifact(parts: {
  artifactType: string;
  layers: readonly Blob[];
  annotations?: Annotations;
  subject?: Descriptor;
}): Image {
  const config: Descriptor = {
    mediaType: MediaType.ociEmpty,
    digest: sha256(EMPTY),
    size: EMPTY.length,
    data: EMPTY.toString('base64'),
  };
  const subject = parts.subject && {
    mediaType: parts.subject.mediaType,
    digest: parts.subject.digest,
    size: parts.subject.size,
  };
  const manifest = buildManifest({
    artifactType: parts.artifactType,
    config,
    layers: parts.layers.map((l) => l.descriptor),
    ...(subject ? { subject } : {}),
    ...(parts.annotations ? { annotations: parts.annotations } : {}),
  });
  return {
    kind: 'image',
    manifest,
    config: null,
    configBlob: memoryBlob(config, EMPTY),
    layers: parts.layers,
  };
}
