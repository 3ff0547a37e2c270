// Reading back what a signed build attached, for tests: the SLSA provenance statement of a digest, from
// its bundle referrer (the DSSE payload, not verified here: pith verify does that); and the attack pith
// verify --provenance must catch: one layer of a signed image swapped for another, written elsewhere with
// the original, validly signed provenance attached to the new digest.
import assert from 'node:assert/strict';
import {
  readArtifact,
  readReferrerLayer,
  readReferrers,
  type TransportRef,
  writeArtifact,
  writeReferrers,
} from '../src/io/index.ts';
import { ArtifactType, buildReferrer, editImage, type Image } from '../src/oci/index.ts';
import type { Digest } from '../src/util/index.ts';

export interface ProvenanceStatement {
  subject: { digest: { sha256: string } }[];
  predicate: {
    buildDefinition: {
      resolvedDependencies: {
        name: string;
        uri?: string;
        digest: { sha256: string };
        annotations?: Record<string, string>;
      }[];
    };
    runDetails: { byproducts: { name: string; annotations?: Record<string, string> }[] };
  };
}

export const SLSA_PROVENANCE = 'https://slsa.dev/provenance/v1';

/** The bundle referrer of `digest` carrying an SLSA provenance, and its bundle's bytes. */
export async function provenanceReferrer(ref: TransportRef, digest: string) {
  const list = await readReferrers(ref, [digest as Digest]);
  const r = list.find((x) => x.annotations?.['dev.sigstore.bundle.predicateType'] === SLSA_PROVENANCE);
  assert.ok(r, `a provenance referrer of ${digest}`);
  const { bytes } = await readReferrerLayer(ref, r, 1 << 24);
  return { referrer: r, bundle: bytes };
}

/** The provenance statement attached to `digest`. */
export async function provenanceOf(ref: TransportRef, digest: string): Promise<ProvenanceStatement> {
  const { bundle } = await provenanceReferrer(ref, digest);
  const json = JSON.parse(bundle.toString()) as { dsseEnvelope: { payload: string } };
  return JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString()) as ProvenanceStatement;
}

/**
 * Writes to `dst` the image at `src` with the layer holding package `victim` replaced by the one holding
 * `donor` (names as the provenance's layer annotations start), and attaches `src`'s provenance bundle to
 * it. Returns the position of the swapped layer.
 */
export async function swapLayerKeepingProvenance(
  src: TransportRef,
  dst: TransportRef,
  victim: string,
  donor: string,
): Promise<number> {
  const image = (await readArtifact(src)) as Image;
  const statement = await provenanceOf(src, image.manifest.digest);
  const holding = (name: string) =>
    statement.predicate.runDetails.byproducts.findIndex((b) =>
      b.annotations?.['dev.pith.layer.package']?.startsWith(`${name} `),
    );
  const at = holding(victim);
  const other = holding(donor);
  assert.ok(at >= 0 && other >= 0, `layers of ${victim} and ${donor}`);
  const layers = [...image.layers];
  layers[at] = layers[other]!;
  const cfg = structuredClone(image.config!.value);
  cfg.rootfs.diff_ids[at] = cfg.rootfs.diff_ids[other]!;
  const swapped = editImage(image, cfg, layers);
  await writeArtifact(dst, swapped);
  const { bundle } = await provenanceReferrer(src, image.manifest.digest);
  await writeReferrers(dst, [
    buildReferrer({
      subject: swapped.manifest.descriptor(),
      artifactType: ArtifactType.sigstoreBundle,
      content: bundle,
      epoch: 0,
      annotations: { 'dev.sigstore.bundle.predicateType': SLSA_PROVENANCE },
    }),
  ]);
  return at;
}
