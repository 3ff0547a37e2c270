// `inspect` and `validate`: read any transport reference; summarise it (and list what refers to it), or
// re-derive every digest.
import { parseTransportRef, type Referrer, readArtifact, readReferrers } from '../io/index.ts';
import { type Problem, validate as validateArtifact } from '../oci/index.ts';
import type { Digest } from '../util/index.ts';
import type { Context } from './context.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface InspectReport extends ArtifactSummary {
  reference: string;
  /** What refers to the image or its platform manifests (SBOMs, VEX, signatures), when anything does. */
  referrers?: Referrer[];
}

/** Summarises the artifact a reference names, with its referrers (a layout's, a registry's). */
export async function inspect(ctx: Context, reference: string): Promise<InspectReport> {
  const ref = parseTransportRef(reference, { allowBarePath: true });
  const artifact = await readArtifact(ref, ctx.read());
  const summary = describeArtifact(artifact);
  const digests = [summary.digest, ...summary.images.map((i) => i.digest)] as Digest[];
  const referrers = await readReferrers(ref, [...new Set(digests)], ctx.remote('pull'));
  return { reference, ...summary, ...(referrers.length ? { referrers } : {}) };
}

export interface ValidateReport {
  reference: string;
  digest: string;
  /** True when no problem was found; the report is returned either way (the CLI exits 4 when false). */
  valid: boolean;
  problems: Problem[];
  /** How many images (platforms) were checked. */
  images: number;
}

/** Validates the artifact a reference names: every blob re-hashed, every layer decompressed. */
export async function validate(ctx: Context, reference: string): Promise<ValidateReport> {
  const ref = parseTransportRef(reference, { allowBarePath: true });
  const artifact = await readArtifact(ref, ctx.read());
  const problems = await validateArtifact(artifact, { signal: ctx.signal });
  const summary = describeArtifact(artifact);
  return {
    reference,
    digest: summary.digest,
    valid: problems.length === 0,
    problems,
    images: summary.images.length,
  };
}
