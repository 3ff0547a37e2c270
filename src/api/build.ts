// `build`: config file → image or index → any transport. Nothing is written until the whole artifact has
// been built in memory, and sinks write atomically, so a failed build leaves no output behind.
import { buildFromConfig, loadConfig } from '../build/index.ts';
import type { Compression } from '../compress/index.ts';
import { parseTransportRef, writeArtifact } from '../io/index.ts';
import { topDocument } from '../oci/index.ts';
import { epochFromEnv } from '../util/index.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface BuildRequest {
  /** Path of pith.yaml. */
  config: string;
  /** Transport reference of the output, e.g. `oci:out/hello`. */
  output: string;
  /** Overrides SOURCE_DATE_EPOCH from the environment. */
  epoch?: number;
  compression?: Compression;
  level?: number;
  onStep?: (step: string) => void;
}

export interface BuildReport extends ArtifactSummary {
  output: string;
  epoch: number;
}

/** Builds the image a config describes and writes it to `output`. */
export async function build(req: BuildRequest): Promise<BuildReport> {
  const output = parseTransportRef(req.output);
  const epoch = req.epoch ?? epochFromEnv();
  req.onStep?.(`loading ${req.config}`);
  const loaded = await loadConfig(req.config);
  const { artifact } = await buildFromConfig(loaded, {
    epoch,
    ...(req.compression ? { compression: req.compression } : {}),
    ...(req.level !== undefined ? { level: req.level } : {}),
    ...(req.onStep ? { onStep: req.onStep } : {}),
  });
  req.onStep?.(`writing ${req.output} (${topDocument(artifact).digest})`);
  await writeArtifact(output, artifact);
  return { output: req.output, epoch, ...describeArtifact(artifact) };
}
