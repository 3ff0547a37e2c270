// An artifact that refers to an image (image-spec 1.1 "Guidelines for Artifact Usage"): a manifest whose
// `artifactType` says what it carries (an SBOM, a VEX document), whose config is the empty descriptor
// (`{}`, application/vnd.oci.empty.v1+json), whose one layer is the document itself, and whose `subject`
// is the image it is about — so registries list it through the referrers API (or the fallback tag) and
// layouts list it in index.json.
import { epochToRfc3339, sha256 } from '../util/index.ts';
import { Annotation } from './annotations.ts';
import { buildArtifact } from './artifact.ts';
import { memoryBlob } from './blob.ts';
import type { Descriptor } from './descriptor.ts';
import type { Image } from './image.ts';

/** The artifact types of the referrers pith writes and looks for. */
export const ArtifactType = {
  /** CycloneDX JSON, as cosign and oras name SBOM referrers. */
  cyclonedx: 'application/vnd.cyclonedx+json',
  spdx: 'application/spdx+json',
  openvex: 'application/openvex+json',
  /** A sigstore bundle v0.3, in both spellings cosign has used. */
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  sigstoreBundleParam: 'application/vnd.dev.sigstore.bundle+json;version=0.3',
} as const;

/** The manifest annotations of a sigstore bundle referrer (cosign's BUNDLE_SPEC), copied into referrers lists. */
export const BundleAnnotation = {
  /** `dsse-envelope` or `message-signature`. */
  content: 'dev.sigstore.bundle.content',
  /** The in-toto predicate type of a DSSE bundle's statement. */
  predicateType: 'dev.sigstore.bundle.predicateType',
} as const;

export interface ReferrerParts {
  /** The image (or index) it is about. */
  subject: Descriptor;
  /** What it carries: `application/vnd.cyclonedx+json`, `application/spdx+json`, `application/openvex+json`. */
  artifactType: string;
  /** The document. */
  content: Buffer;
  /** Seconds since the epoch, recorded as org.opencontainers.image.created. */
  epoch: number;
  /** More manifest annotations (a sigstore bundle's content and predicate type), copied into referrers lists. */
  annotations?: Record<string, string>;
  /** Annotations of the one layer (e.g. its org.opencontainers.image.title). */
  layerAnnotations?: Record<string, string>;
}

/** The referrer artifact: an image-shaped value whose blobs are in memory. */
export function buildReferrer(parts: ReferrerParts): Image {
  const layer: Descriptor = {
    mediaType: parts.artifactType,
    digest: sha256(parts.content),
    size: parts.content.length,
    ...(parts.layerAnnotations ? { annotations: parts.layerAnnotations } : {}),
  };
  return buildArtifact({
    artifactType: parts.artifactType,
    layers: [memoryBlob(layer, parts.content)],
    subject: parts.subject,
    annotations: { [Annotation.created]: epochToRfc3339(parts.epoch), ...parts.annotations },
  });
}
