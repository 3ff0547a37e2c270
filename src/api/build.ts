// `build`: config file, config object and/or preset → image or index → any transport. Nothing is written
// until the whole artifact has been built in memory, and sinks write atomically, so a failed or cancelled
// build leaves no output.
import { buildFromConfig } from '../assemble/index.ts';
import type { Compression } from '../compress/index.ts';
import { parseTransportRef, writeArtifact } from '../io/index.ts';
import { readLock } from '../lockfile/index.ts';
import { topDocument } from '../oci/index.ts';
import { checkEpoch } from '../util/index.ts';
import { type ConfigRequest, lockPath, requestConfig } from './config-request.ts';
import type { Context } from './context.ts';
import { type ArtifactSummary, describeArtifact } from './summary.ts';

export interface BuildRequest extends ConfigRequest {
  /** Transport reference of the output, e.g. `oci:out/hello`, `docker://HOST/REPO:TAG`. */
  output: string;
  /** SOURCE_DATE_EPOCH for this build (default: the context's environment, else 0). */
  epoch?: number;
  compression?: Compression;
  level?: number;
  /** Build exactly what pith.lock.json (beside the config) lists, and refuse if it does not match. */
  locked?: boolean;
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
export async function build(ctx: Context, req: BuildRequest): Promise<BuildReport> {
  const output = parseTransportRef(req.output);
  const epoch = req.epoch === undefined ? ctx.epoch() : checkEpoch(req.epoch, 'epoch');
  const loaded = await requestConfig(ctx, req);
  const lockFile = lockPath(req);
  const warnings: string[] = [];
  const result = await buildFromConfig(loaded, {
    onEvent: (e) => {
      if (e.type === 'warning') warnings.push(e.message);
      ctx.emit(e);
    },
    ...(req.locked ? { lock: await readLock(lockFile), lockFile } : {}),
    loadBase: ctx.loadBase,
    epoch,
    ...(req.compression ? { compression: req.compression } : {}),
    ...(req.level !== undefined ? { level: req.level } : {}),
    cacheDir: ctx.settings.cacheDir,
    offline: ctx.settings.offline,
    network: ctx.network(),
  });
  ctx.emit({ type: 'phase', phase: 'write', item: `${req.output} (${topDocument(result.artifact).digest})` });
  await writeArtifact(output, result.artifact, {
    ...ctx.remote('push'),
    onBlob: (d, how) => ctx.emit({ type: 'blob', digest: d.digest, size: d.size, how }),
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
