// A Node.js app in Jib's manner: the production dependencies of package-lock.json in one layer (fetched
// from their registry, integrity-checked, no install script run), the project's own files in another
// (node_modules, .git and the patterns of .dockerignore / .pithignore left out), so that editing the app
// rebuilds one small layer and leaves the runtime and dependency layers byte-identical. Native addons of
// the dependencies must be ELF shared objects for the image's architecture and glibc; the command comes
// from package.json unless the config names an entrypoint.
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Arch, FieldPath, LoadedConfig } from '../config/index.ts';
import { fieldError, fieldSystemError } from '../config/index.ts';
import { type BuiltLayer, type LayerOptions, layerFromEntries } from '../layer/index.ts';
import {
  appCommand,
  type NpmFetch,
  noEntrypoint,
  npmCpu,
  npmDepsTree,
  type PackageJson,
  productionPackages,
} from '../node/index.ts';
import type { LayerCache } from '../rootfs/index.ts';
import type { FileTree, TarEntry } from '../tar/index.ts';
import { isPithError, PithError, readAll, readUserFile } from '../util/index.ts';
import { appFilesTree } from './app-files.ts';
import { contextDir, resolveSource } from './build-context.ts';
import { nativeAddonProblem } from './native-addons.ts';

export const DEFAULT_APP_DIR = '/app';

export interface NodeAppOptions extends NpmFetch {
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}

export interface NodeApp {
  /** The production dependencies (absent when there are none). */
  deps?: BuiltLayer;
  app: BuiltLayer;
  /** Both trees, for the entrypoint check. */
  trees: FileTree[];
  /** What node runs: the script and its arguments (absolute paths), if package.json names one. */
  command?: string[];
  /** Where the app lives in the image. */
  dir: string;
}

const FIELD: FieldPath = ['app', 'node'];
const MAX_JSON = 64 << 20;

/** The layers of the config's Node.js app for one architecture. */
export async function nodeAppLayers(
  loaded: LoadedConfig,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
  opts: NodeAppOptions,
): Promise<NodeApp> {
  const app = loaded.config.app!;
  const dir = app.dst ?? DEFAULT_APP_DIR;
  const dst = dir.replace(/^\/+/, '').replace(/\/+$/, '');
  const ctx = { baseDir: loaded.baseDir, context: contextDir(loaded), where: loaded.where };
  const { host, stats } = await resolveSource(ctx, app.node!, FIELD);
  if (!stats.isDirectory())
    throw fieldError(loaded, FIELD, 'NOT_A_NODE_PROJECT', `${host} is not a directory`);
  const project = host.toString();
  const pkg = await readPackageJson(loaded, project);
  const lock = await readNpmLock(loaded, project);
  const plan = productionPackages(lock.text, lock.file, {
    os: 'linux',
    cpu: npmCpu(arch),
    libc: 'glibc',
  });
  if (plan.scripts.length)
    opts.onWarning?.(
      `${lock.file}: install scripts not run (pith never runs them): ${plan.scripts.join(', ')}`,
    );
  const deps = plan.install.length
    ? await depsLayer(plan.install, dst, project, arch, layerOpts, cache, opts)
    : undefined;
  const appTree = await appFilesTree(loaded, FIELD, project, dst, arch);
  const key = `node-app:${project}`;
  let appLayer = cache.get(key);
  if (!appLayer) {
    appLayer = layerFromEntries(appTree.entries(), {
      ...layerOpts,
      createdBy: `pith: app ${pkg.name ?? basename(project)}${pkg.version ? `@${pkg.version}` : ''} (${app.node})`,
      slot: `node-app ${pkg.name ?? basename(project)}`,
    });
    cache.set(key, appLayer);
  }
  const trees = [...(deps ? [deps.tree] : []), appTree];
  const command = appCommand(pkg, dir, (rel) => appTree.has(`${dst}/${rel}`));
  return {
    ...(deps ? { deps: await deps.layer } : {}),
    app: await appLayer,
    trees,
    ...(command ? { command } : {}),
    dir,
  };
}

/** The entrypoint of an app image: node and the app's command, or the config's own. */
export function appEntrypoint(loaded: LoadedConfig, nodeBin: string, app: NodeApp): string[] {
  if (!app.command) throw noEntrypoint(loaded.where(FIELD));
  const script = app.command.find((w) => !w.startsWith('-'))!;
  if (!app.trees.some((t) => t.has(script)))
    throw fieldError(
      loaded,
      FIELD,
      'ENTRYPOINT_MISSING',
      `package.json names ${script}, which is not among the app's files (is it excluded by .dockerignore or .pithignore?)`,
    );
  return [nodeBin, ...app.command];
}

async function readPackageJson(loaded: LoadedConfig, project: string): Promise<PackageJson> {
  const file = join(project, 'package.json');
  const bytes = await readUserFile(file, MAX_JSON, 'package.json').catch((cause: unknown) => {
    if (isPithError(cause) && cause.code === 'ENOENT')
      throw fieldError(loaded, FIELD, 'NOT_A_NODE_PROJECT', `${project} has no package.json`, cause);
    throw fieldSystemError(loaded, FIELD, `read ${file}`, cause);
  });
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not a JSON object');
    return doc as PackageJson;
  } catch (cause) {
    throw fieldError(
      loaded,
      FIELD,
      'NOT_A_NODE_PROJECT',
      `${file}: not valid JSON (${(cause as Error).message})`,
    );
  }
}

async function readNpmLock(loaded: LoadedConfig, project: string): Promise<{ text: string; file: string }> {
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json']) {
    const file = join(project, name);
    const bytes = await readUserFile(file, MAX_JSON, name).catch((cause: unknown) => {
      if (isPithError(cause) && cause.code === 'ENOENT') return undefined;
      throw fieldSystemError(loaded, FIELD, `read ${file}`, cause);
    });
    if (bytes) return { text: bytes.toString('utf8'), file };
  }
  throw fieldError(
    loaded,
    FIELD,
    'NPM_LOCK_MISSING',
    `${project} has no package-lock.json; run npm install (or npm install --package-lock-only) to pin the dependencies`,
  );
}

async function depsLayer(
  install: Parameters<typeof npmDepsTree>[0],
  dst: string,
  cwd: string,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
  opts: NodeAppOptions,
): Promise<{ tree: FileTree; layer: Promise<BuiltLayer> }> {
  const tree = await npmDepsTree(install, { ...opts, dst, cwd });
  await checkAddons(tree.entries(), arch);
  const id = createHash('sha256')
    .update(JSON.stringify([dst, install.map((p) => [p.path, p.integrity])]))
    .digest('hex');
  const key = `node-deps:${id}`;
  let layer = cache.get(key);
  if (!layer) {
    layer = layerFromEntries(tree.entries(), {
      ...layerOpts,
      createdBy: `pith: ${install.length} npm package${install.length === 1 ? '' : 's'} (production dependencies of package-lock.json)`,
    });
    cache.set(key, layer);
  }
  return { tree, layer };
}

/** Refuses a dependency's native addon that cannot load in the image. */
async function checkAddons(entries: readonly TarEntry[], arch: Arch): Promise<void> {
  for (const e of entries) {
    if (e.type !== 'file' || !e.path.endsWith('.node') || !e.content) continue;
    const why = nativeAddonProblem(e.path, await readAll(e.content()), arch);
    if (why) throw new PithError('input', 'NATIVE_ADDON_MISMATCH', `/${e.path} ${why}`);
  }
}
