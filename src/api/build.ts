// `build`: config file and/or preset → image or index → any transport. Nothing is written until the
// whole artifact has been built in memory, and sinks write atomically, so a failed build leaves no output.
import { buildFromConfig } from '../assemble/index.ts';
import type { Compression } from '../compress/index.ts';
import {
  type Arch,
  commandLineConfig,
  type LoadedConfig,
  loadConfig,
  type PithConfig,
} from '../config/index.ts';
import { type OnProgress, parseTransportRef, readArtifact, writeArtifact } from '../io/index.ts';
import { readLock } from '../lockfile/index.ts';
import { type Artifact, topDocument } from '../oci/index.ts';
import { epochFromEnv, PithError } from '../util/index.ts';
import { lockPath } from './lock.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface BuildRequest {
  /** Path of pith.yaml (optional when `preset` is given). */
  config?: string;
  /** Transport reference of the output, e.g. `oci:out/hello`. */
  output: string;
  /** Command-line overrides of the config. */
  preset?: string;
  variant?: PithConfig['variant'];
  suite?: PithConfig['suite'];
  archs?: Arch[];
  /** Overrides SOURCE_DATE_EPOCH from the environment. */
  epoch?: number;
  compression?: Compression;
  level?: number;
  cacheDir?: string;
  offline?: boolean;
  /** Build exactly what pith.lock.json (beside the config) lists, and refuse if it does not match. */
  locked?: boolean;
  onStep?: (step: string) => void;
  /** Called for each warning as it arises; warnings are also listed in the report. */
  onWarning?: (warning: string) => void;
  /** Bytes of each blob as it moves to or from a registry (a `docker://` output or base). */
  onProgress?: OnProgress;
}

export interface DebianSummary {
  arch: string;
  packages: { name: string; version: string; architecture: string; origin: string }[];
  /** Bytes of documentation left out. */
  droppedDocBytes: number;
  caCertificates?: number;
}

export interface BuildReport extends ArtifactSummary {
  output: string;
  epoch: number;
  /** The `from:` base image and the digest it was pinned to. */
  base?: { name: string; digest: string };
  debian?: DebianSummary[];
  /** What the user should know but that did not stop the build (e.g. a package pinned behind security). */
  warnings?: string[];
}

/** Builds the image a config (or preset) describes and writes it to `output`. */
export async function build(req: BuildRequest): Promise<BuildReport> {
  const output = parseTransportRef(req.output);
  const epoch = req.epoch ?? epochFromEnv();
  const loaded = await requestConfig(req);
  const lockFile = lockPath(req.config);
  const warnings: string[] = [];
  const result = await buildFromConfig(loaded, {
    onWarning: (w) => {
      warnings.push(w);
      req.onWarning?.(w);
    },
    ...(req.locked ? { lock: await readLock(lockFile), lockFile } : {}),
    loadBase: (reference: string) => loadBase(reference, req.onProgress),
    epoch,
    ...(req.compression ? { compression: req.compression } : {}),
    ...(req.level !== undefined ? { level: req.level } : {}),
    ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}),
    ...(req.offline ? { offline: true } : {}),
    ...(req.onStep ? { onStep: req.onStep } : {}),
  });
  req.onStep?.(`writing ${req.output} (${topDocument(result.artifact).digest})`);
  await writeArtifact(output, result.artifact, {
    ...blobProgress(req.onStep),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
  });
  const debian = result.images.flatMap((i) => (i.debian ? [debianSummary(i.arch, i.debian)] : []));
  return {
    output: req.output,
    epoch,
    ...describeArtifact(result.artifact),
    ...(result.base ? { base: result.base } : {}),
    ...(debian.length ? { debian } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** Progress lines for pushes: one per blob, with how it got there. */
export function blobProgress(onStep: ((s: string) => void) | undefined) {
  if (!onStep) return {};
  return {
    onBlob: (d: { digest: string; size: number }, how: string) =>
      onStep(`  ${how} ${d.digest.slice(0, 19)}… (${(d.size / 1048576).toFixed(1)} MiB)`),
  };
}

/** Reads a `from:` base: a transport reference, or a registry reference (`docker://` optional). */
export function loadBase(reference: string, onProgress?: OnProgress): Promise<Artifact> {
  const hasTransport =
    /^(oci|oci-archive|docker-archive):/.test(reference) || reference.startsWith('docker://');
  const ref = parseTransportRef(hasTransport ? reference : `docker://${reference}`);
  return readArtifact(ref, onProgress ? { onProgress } : {});
}

/** The config a request names: a file, a preset, and command-line overrides. */
export async function requestConfig(req: BuildRequest): Promise<LoadedConfig> {
  const overrides: PithConfig = {
    ...(req.preset ? { preset: req.preset } : {}),
    ...(req.variant ? { variant: req.variant } : {}),
    ...(req.suite ? { suite: req.suite } : {}),
    ...(req.archs?.length ? { archs: req.archs } : {}),
  };
  if (!req.config) {
    if (!req.preset) throw new PithError('usage', 'NO_CONFIG', 'give a config file, or --preset NAME');
    return commandLineConfig(overrides);
  }
  req.onStep?.(`loading ${req.config}`);
  const loaded = await loadConfig(req.config);
  return { ...loaded, config: { ...loaded.config, ...overrides } };
}

function debianSummary(
  arch: string,
  d: {
    packages: { name: string; version: string; architecture: string; origin: string }[];
    droppedBytes: number;
    caCertificates?: number;
  },
): DebianSummary {
  return {
    arch,
    packages: d.packages.map((p) => ({
      name: p.name,
      version: p.version,
      architecture: p.architecture,
      origin: p.origin,
    })),
    droppedDocBytes: d.droppedBytes,
    ...(d.caCertificates ? { caCertificates: d.caCertificates } : {}),
  };
}
