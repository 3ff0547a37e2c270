// What `build` signs and attests once the image is written (build --sign-key / --keyless): every manifest
// signed (signing.ts), then per platform image its CycloneDX and SPDX SBOMs and its SLSA provenance v1, and for the
// image (or index) the OpenVEX document given, each as a signed in-toto statement attached as a referrer.
// The provenance is made from what the build itself read: each .deb (sha256, pool path, suite), each
// suite's InRelease, the base image, tarballs, the Node.js binary, and the layers it wrote.
import { createHash } from 'node:crypto';
import type { BuildResult } from '../assemble/index.ts';
import type { TransportRef } from '../io/index.ts';
import { formatPlatform } from '../oci/index.ts';
import { debPurl } from '../sbom/index.ts';
import { PredicateType, type ProvenanceInput, type SigningIdentity, slsaProvenance } from '../sign/index.ts';
import { epochToRfc3339, PITH_TOOL } from '../util/index.ts';
import type { Context } from './context.ts';
import { signSubjectsOf } from './sign.ts';
import {
  type AttestationItem,
  type AttestationWritten,
  type PreparedAttestations,
  type PreparedSignatures,
  prepareAttestations,
  prepareSignatures,
  type SignedDigest,
  writeSignatures,
} from './signing.ts';

/** The documents a build attests: each image's CycloneDX and SPDX SBOMs by manifest digest, the VEX. */
export interface AttachedDocuments {
  sboms: Map<string, unknown>;
  spdx: Map<string, unknown>;
  vex?: unknown;
}

/** What the provenance says the build was asked: the config (path and sha256) or preset, and the output. */
export function externalParameters(req: {
  config?: unknown;
  preset?: string;
  variant?: string;
  archs?: readonly string[];
  suite?: string;
  locked?: boolean;
  output: string;
}): Record<string, unknown> {
  return {
    ...(typeof req.config === 'string' ? { config: req.config } : {}),
    ...(req.preset ? { preset: req.preset } : {}),
    ...(req.variant ? { variant: req.variant } : {}),
    ...(req.archs ? { archs: req.archs } : {}),
    ...(req.suite ? { suite: req.suite } : {}),
    ...(req.locked ? { locked: true } : {}),
    output: req.output,
  };
}

/** Start and finish times: SOURCE_DATE_EPOCH's when it is set (a reproducible predicate), else the clock's. */
export function provenanceTimes(
  ctx: Context,
  epoch: number,
  started: Date,
): { startedOn: string; finishedOn: string } {
  if (ctx.env['SOURCE_DATE_EPOCH'] !== undefined) {
    const at = epochToRfc3339(epoch);
    return { startedOn: at, finishedOn: at };
  }
  return { startedOn: started.toISOString(), finishedOn: new Date().toISOString() };
}

/** What a build signs and attests, made (and, keyless, logged) before the image is written. */
export interface PreparedSigning {
  signatures: PreparedSignatures;
  attestations: PreparedAttestations;
}

/**
 * Signs every manifest of the built artifact and attests each image, before anything is written: a signing
 * service that fails leaves no unsigned image behind.
 */
export async function prepareSigning(
  ctx: Context,
  output: TransportRef,
  result: BuildResult,
  who: SigningIdentity,
  opts: {
    epoch: number;
    attest: boolean;
    documents: AttachedDocuments;
    externalParameters: Record<string, unknown>;
    /** The config file (when the build was given one) and the lock beside it, hashed into the parameters. */
    files: { config?: string; lock: string };
    times: { startedOn: string; finishedOn: string };
  },
): Promise<PreparedSigning> {
  const subjects = signSubjectsOf(result.artifact, true);
  const signatures = await prepareSignatures(ctx, subjects, who, opts.epoch);
  if (!opts.attest) return { signatures, attestations: { referrers: [], attestations: [] } };
  ctx.emit({ type: 'phase', phase: 'attest', item: subjects[0]!.descriptor.digest });
  const items: AttestationItem[] = [];
  const params = await withFileHashes(opts.externalParameters, opts.files);
  for (const built of result.images) {
    const subject = built.image.manifest.descriptor();
    const platform = built.image.config ? formatPlatform(built.image.config.value) : built.arch;
    const sbom = opts.documents.sboms.get(subject.digest);
    if (sbom) items.push({ subject, platform, predicateType: PredicateType.cyclonedx, predicate: sbom });
    const spdx = opts.documents.spdx.get(subject.digest);
    if (spdx) items.push({ subject, platform, predicateType: PredicateType.spdx, predicate: spdx });
    items.push({
      subject,
      platform,
      predicateType: PredicateType.slsaProvenance,
      predicate: slsaProvenance(provenanceInput(result, built, platform, params, opts.times)),
    });
  }
  if (opts.documents.vex !== undefined)
    items.push({
      subject: subjects[0]!.descriptor,
      predicateType: PredicateType.openvex,
      predicate: opts.documents.vex,
    });
  return { signatures, attestations: await prepareAttestations(output, items, who, opts.epoch) };
}

/** Writes what prepareSigning made, once the image is written: the bundles, then the legacy `.sig` tags. */
export async function writeSigning(
  ctx: Context,
  output: TransportRef,
  prepared: PreparedSigning,
  who: SigningIdentity,
): Promise<{ signatures: SignedDigest[]; attestations: AttestationWritten[] }> {
  const signatures = await writeSignatures(ctx, output, prepared.signatures, who);
  await writeSignatures(ctx, output, { referrers: prepared.attestations.referrers, signatures: [] }, who);
  return { signatures, attestations: prepared.attestations.attestations };
}

function provenanceInput(
  result: BuildResult,
  built: BuildResult['images'][number],
  platform: string,
  externalParameters: Record<string, unknown>,
  times: { startedOn: string; finishedOn: string },
): ProvenanceInput {
  const node = result.inputs.node[built.arch];
  return {
    pithVersion: PITH_TOOL.version,
    platform,
    externalParameters,
    debs: (built.debian?.packages ?? []).map((p) => ({
      name: p.name,
      version: p.version,
      architecture: p.architecture,
      sha256: p.sha256,
      filename: p.filename,
      suite: p.origin.split('/')[0]!,
      component: p.origin.split('/')[1] ?? 'main',
      purl: debPurl({
        name: p.name,
        version: p.version,
        architecture: p.architecture,
        source: { name: p.source, version: p.sourceVersion },
      }),
    })),
    suites: result.inputs.suites.map((s) => ({
      suite: s.suite,
      inReleaseSha256: s.inReleaseSha256,
      date: s.date,
    })),
    ...(result.base ? { base: result.base } : {}),
    tarballs: result.inputs.tarballs.map((t) => ({ source: t.source, sha256: t.sha256 })),
    ...(node ? { node: { version: node.version, url: node.url, sha256: node.sha256 } } : {}),
    layers: built.layers.map((l) => ({
      digest: l.blob.descriptor.digest,
      mediaType: l.blob.descriptor.mediaType,
      diffId: l.diffId,
      ...(l.createdBy ? { createdBy: l.createdBy } : {}),
    })),
    ...times,
  };
}

/** The config file and the lock beside it, each with its sha256 when it can be read, so the parameters pin them. */
async function withFileHashes(
  params: Record<string, unknown>,
  files: { config?: string; lock: string },
): Promise<Record<string, unknown>> {
  const { readFile } = await import('node:fs/promises');
  const hash = async (path: string) =>
    readFile(path).then(
      (b) => createHash('sha256').update(b).digest('hex'),
      () => undefined,
    );
  const configSha = files.config ? await hash(files.config) : undefined;
  const lockSha = await hash(files.lock);
  return {
    ...params,
    ...(files.config ? { config: { path: files.config, ...(configSha ? { sha256: configSha } : {}) } } : {}),
    ...(lockSha ? { lock: { path: files.lock, sha256: lockSha } } : {}),
  };
}
