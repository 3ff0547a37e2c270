// `debug`: the debug layer of distroless's debug variants added to any image, every platform of an index
// (briefs/distroless.md §1.4): Debian's busybox-static for the platform's architecture, laid out as pith's
// own debug variants lay it out (/busybox/busybox and its applet links, nothing in /bin), on top of the
// image's layers, which stay byte for byte what they were. PATH gains /busybox; an image that starts
// nothing (no entrypoint, no command) gets /busybox/sh as its entrypoint, one that does keeps it.
import type { DebianSession } from '../apt-repo/index.ts';
import { DEFAULT_PATH } from '../assemble/index.ts';
import { type Arch, DEFAULT_SUITE, type PithConfig, SUITES } from '../config/index.ts';
import { flatten, OS_RELEASE_PATHS, osInfo } from '../inventory/index.ts';
import type { BuiltLayer, LayerOptions } from '../layer/index.ts';
import { type ExecConfig, editImage, type Image, type ImageConfigJson } from '../oci/index.ts';
import { installDebian, type LayerCache, planPackages } from '../rootfs/index.ts';
import { checkEpoch, type Epoch, epochToRfc3339, PithError } from '../util/index.ts';
import type { Context } from './context.ts';
import { debianSession, type SuiteSource } from './debian-session.ts';
import { type EditedImage, type EditReport, editArtifact, imageArch } from './image-edit.ts';

export interface DebugRequest extends SuiteSource {
  /** The image to add the debug layer to: any transport reference (a bare path is a layout or an archive). */
  source: string;
  /** Where to write the result: any transport reference. */
  output: string;
  /**
   * The Debian suite whose busybox-static is added (trixie, bookworm). Default: the image's own suite
   * (os-release's VERSION_CODENAME) for a Debian image, else trixie.
   */
  suite?: string;
  /** SOURCE_DATE_EPOCH for the new layer and its history entry (default: the context's, else 0). */
  epoch?: number;
}

/** One platform of a debug image. */
export interface DebugImage extends EditedImage {
  /** The suite busybox-static came from, and whether it was read from the image or given. */
  suite: string;
  suiteFrom: 'image' | 'request' | 'default';
  /** The package the layer holds: `busybox-static 1:1.37.0-6` and its architecture. */
  busybox: { name: string; version: string; architecture: string };
  /** The entrypoint of the result. */
  entrypoint: string[] | null;
}

export type DebugReport = EditReport<DebugImage>;

/** Adds busybox at /busybox to every platform of `req.source` and writes the result to `req.output`. */
export async function debug(ctx: Context, req: DebugRequest): Promise<DebugReport> {
  const epoch = req.epoch === undefined ? ctx.epoch() : checkEpoch(req.epoch, 'epoch');
  if (req.suite !== undefined) checkSuite(req.suite, `suite ${req.suite}`);
  const sessions = new Map<string, DebianSession>();
  const session = (suite: string) => {
    let s = sessions.get(suite);
    if (!s) {
      s = debianSession(ctx, suite, req);
      sessions.set(suite, s);
    }
    return s;
  };
  const cache: LayerCache = new Map();
  return editArtifact(ctx, req, async (image, platform) => {
    const where = `${req.source} (${platform})`;
    const arch = imageArch(image, where, 'pith debug adds Debian busybox-static');
    const { suite, from } = req.suite
      ? { suite: req.suite, from: 'request' as const }
      : await imageSuite(ctx, image, where);
    const bb = await busyboxLayer(ctx, session(suite), arch, { epoch, compression: 'gzip' }, cache);
    const config = debugConfig(image.config!.value, bb.layer, epoch);
    return {
      image: editImage(image, config, [...image.layers, bb.layer.blob]),
      facts: {
        suite,
        suiteFrom: from,
        busybox: bb.pkg,
        entrypoint: config.config?.Entrypoint ?? null,
      },
    };
  });
}

/** Debian's busybox-static for an architecture, as the debug variants' layer (planned and installed as a build does). */
async function busyboxLayer(
  ctx: Context,
  session: DebianSession,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
): Promise<{ layer: BuiltLayer; pkg: DebugImage['busybox'] }> {
  const config: PithConfig = { variant: 'debug' };
  ctx.emit({ type: 'phase', phase: 'resolve', arch });
  const plan = await planPackages(session, config, arch);
  ctx.emit({ type: 'phase', phase: 'install', arch });
  const installed = await installDebian(session, config, plan, layerOpts, cache);
  // a plan of busybox alone installs one layer: busybox's
  const layer = installed.layers[0]!;
  const pkg = plan.busybox!;
  return { layer, pkg: { name: pkg.name, version: pkg.version, architecture: pkg.architecture } };
}

/** The suite of a Debian image (os-release's VERSION_CODENAME); trixie for any other image. */
async function imageSuite(
  ctx: Context,
  image: Image,
  where: string,
): Promise<{ suite: string; from: 'image' | 'default' }> {
  ctx.emit({ type: 'phase', phase: 'inventory', item: `${where} /etc/os-release` });
  const paths: readonly string[] = OS_RELEASE_PATHS;
  const fs = await flatten(image.layers, { keep: (p) => paths.includes(p), where, signal: ctx.signal });
  const os = osInfo((p) => fs.kept.get(p)?.toString('utf8'));
  if (os?.id !== 'debian' || !os.versionCodename) return { suite: DEFAULT_SUITE, from: 'default' };
  checkSuite(os.versionCodename, `${where}: its os-release names Debian ${os.versionCodename}, and`);
  return { suite: os.versionCodename, from: 'image' };
}

function checkSuite(suite: string, what: string): void {
  if ((SUITES as readonly string[]).includes(suite)) return;
  throw new PithError(
    'input',
    'UNSUPPORTED_SUITE',
    `${what} is not a suite pith lays busybox out for (${SUITES.join(', ')}); choose one with --suite`,
  );
}

/** The config of the debug image: PATH with /busybox, the shell as entrypoint if nothing else runs, the layer's history. */
function debugConfig(c: ImageConfigJson, layer: BuiltLayer, epoch: Epoch): ImageConfigJson {
  const exec: ExecConfig = { ...c.config };
  const env = exec.Env ?? [];
  const at = env.findIndex((e) => e.startsWith('PATH='));
  const path = at < 0 ? DEFAULT_PATH : env[at]!.slice('PATH='.length);
  const withBusybox = `PATH=${path.split(':').includes('/busybox') ? path : `${path}:/busybox`}`;
  exec.Env = at < 0 ? [withBusybox, ...env] : env.with(at, withBusybox);
  // an image that runs something keeps it (a command alone would become the shell's script argument)
  if (!exec.Entrypoint?.length && !exec.Cmd?.length) exec.Entrypoint = ['/busybox/sh'];
  return {
    ...c,
    config: exec,
    rootfs: { type: 'layers', diff_ids: [...c.rootfs.diff_ids, layer.diffId] },
    // history entries pair with layers; an image without history stays without
    ...(c.history
      ? {
          history: [
            ...c.history,
            { created: epochToRfc3339(epoch), created_by: layer.createdBy ?? 'pith debug: busybox' },
          ],
        }
      : {}),
  };
}
