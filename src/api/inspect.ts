// `inspect` and `validate`: read any transport reference; summarise it, or re-derive every digest.
import { parseTransportRef, readArtifact } from '../io/index.ts';
import { type Problem, validate as validateArtifact } from '../oci/index.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface InspectReport extends ArtifactSummary {
  reference: string;
}

/** Summarises the artifact a reference names. */
export async function inspect(reference: string): Promise<InspectReport> {
  const artifact = await readArtifact(parseTransportRef(reference, { allowBarePath: true }));
  return { reference, ...describeArtifact(artifact) };
}

export interface ValidateReport {
  reference: string;
  digest: string;
  valid: boolean;
  problems: Problem[];
  /** How many images (platforms) were checked. */
  images: number;
}

/** Validates the artifact a reference names: every blob re-hashed, every layer decompressed. */
export async function validate(reference: string): Promise<ValidateReport> {
  const artifact = await readArtifact(parseTransportRef(reference, { allowBarePath: true }));
  const problems = await validateArtifact(artifact);
  const summary = describeArtifact(artifact);
  return {
    reference,
    digest: summary.digest,
    valid: problems.length === 0,
    problems,
    images: summary.images.length,
  };
}
