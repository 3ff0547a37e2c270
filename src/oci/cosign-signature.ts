// cosign's legacy signature image (briefs/oci.md §15), the one podman, skopeo and cosign 1–2 read from the
// tag `sha256-<hex>.sig` beside the image it signs: a plain OCI image whose every layer is one signed
// payload (a simple-signing document, or a DSSE envelope under `.att`) with its signature and certificate
// in the layer's annotations. The config is the one containers/image writes: empty but for the diff_ids.
import { type Digest, sha256, splitDigest } from '../util/index.ts';
import { memoryBlob } from './blob.ts';
import type { Descriptor } from './descriptor.ts';
import type { Image } from './image.ts';
import { buildManifest } from './manifest.ts';
import { MediaType } from './media-types.ts';

/** The layer annotations cosign writes, and the older spellings it still reads. */
export const CosignAnnotation = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  legacyCertificate: 'dev.cosignproject.cosign/certificate',
  legacyChain: 'dev.cosignproject.cosign/chain',
  predicateType: 'predicateType',
} as const;

/** The tag cosign keeps a digest's signatures (`sig`) or attestations (`att`) under. */
export function cosignTag(digest: Digest, kind: 'sig' | 'att'): string {
  const { algorithm, encoded } = splitDigest(digest);
  return `${algorithm}-${encoded}.${kind}`;
}

export interface SignedLayer {
  mediaType: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

/** The signature image holding `layers`, in order (existing ones first, then the one added). */
export function buildSignatureImage(layers: readonly SignedLayer[]): Image {
  const descriptors: Descriptor[] = layers.map((l) => ({
    mediaType: l.mediaType,
    digest: sha256(l.payload),
    size: l.payload.length,
    annotations: l.annotations,
  }));
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      os: '',
      config: {},
      rootfs: { type: 'layers', diff_ids: descriptors.map((d) => d.digest) },
    }),
  );
  const configDesc: Descriptor = {
    mediaType: MediaType.ociConfig,
    digest: sha256(config),
    size: config.length,
  };
  return {
    kind: 'image',
    manifest: buildManifest({ config: configDesc, layers: descriptors }),
    config: null,
    configBlob: memoryBlob(configDesc, config),
    layers: descriptors.map((d, i) => memoryBlob(d, layers[i]!.payload)),
  };
}
