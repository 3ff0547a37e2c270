// `inspect` and `validate`: read any transport reference; summarise it, or re-derive every digest.
import { parseTransportRef, readArtifact } from '../io/index.ts';
import { type Problem, validate as validateArtifact } from '../oci/index.ts';
import type { Context } from './context.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface InspectReport extends ArtifactSummary {
  reference: string;
}

/** Summarises the artifact a reference names. */
export async function inspect(ctx: Context, reference: string): Promise<InspectReport> {
  const ref = parseTransportRef(reference, { allowBarePath: true });
  const artifact = await readArtifact(ref, ctx.read());
  return { reference, ...describeArtifact(artifact) };
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
