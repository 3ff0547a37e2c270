// An application laid out in its own layers over a runtime preset (`app:` in the config), one kind per
// file: a Node.js project (node-app.ts), a Python app (python-app.ts), a Java app (java-app.ts). Each kind gives its layers (least
// to most often changed), the trees they hold (for the entrypoint check) and the run settings it implies —
// entrypoint, working directory, environment — which apply unless the user's own config sets them.
import type { Arch, LoadedConfig } from '../config/index.ts';
import type { BuiltLayer, LayerOptions } from '../layer/index.ts';
import { NODE_BIN, type NodeFetch } from '../node/index.ts';
import type { LayerCache } from '../rootfs/index.ts';
import type { FileTree } from '../tar/index.ts';
import { javaAppLayers } from './java-app.ts';
import { appEntrypoint, nodeAppLayers } from './node-app.ts';
import { pythonAppLayers, pythonEntrypoint } from './python-app.ts';

/** What an app adds to an image. */
export interface AppImage {
  /** The app's layers, in order. */
  layers: BuiltLayer[];
  /** What they hold, for the entrypoint check. */
  trees: FileTree[];
  /** The run settings the app implies (each only where the user's config leaves it unset). */
  entrypoint?: string[];
  workdir?: string;
  env?: Record<string, string>;
}

export interface AppOptions extends NodeFetch {
  /** The user's own config sets the entrypoint: the app need not name its command. */
  ownEntrypoint?: boolean;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}

/** The app of a config for one architecture, or undefined when the config has none. */
export async function appImage(
  loaded: LoadedConfig,
  arch: Arch,
  layerOpts: LayerOptions,
  cache: LayerCache,
  opts: AppOptions,
): Promise<AppImage | undefined> {
  const app = loaded.config.app;
  if (app?.node !== undefined) {
    const node = await nodeAppLayers(loaded, arch, layerOpts, cache, opts);
    return {
      layers: [...(node.deps ? [node.deps] : []), node.app],
      trees: node.trees,
      ...(opts.ownEntrypoint ? {} : { entrypoint: appEntrypoint(loaded, NODE_BIN, node) }),
      workdir: node.dir,
      env: { NODE_ENV: 'production' },
    };
  }
  if (app?.python !== undefined) {
    const py = await pythonAppLayers(loaded, arch, layerOpts, cache);
    return {
      layers: [...(py.deps ? [py.deps] : []), py.app],
      trees: py.trees,
      ...(opts.ownEntrypoint ? {} : { entrypoint: pythonEntrypoint(loaded, py) }),
      workdir: py.dir,
      env: py.env,
    };
  }
  if (app?.jar !== undefined || app?.classes !== undefined) {
    const java = await javaAppLayers(loaded, arch, layerOpts, cache, opts);
    return {
      layers: java.layers,
      trees: java.trees,
      ...(java.entrypoint ? { entrypoint: java.entrypoint } : {}),
      workdir: java.dir,
    };
  }
  return undefined;
}

/** The config an app image runs with: the app's settings under the user's own (`input`, before presets). */
export function withAppConfig(loaded: LoadedConfig, input: LoadedConfig, app: AppImage): LoadedConfig {
  const own = input.config;
  const c = loaded.config;
  const entrypoint = own.entrypoint ?? app.entrypoint ?? c.entrypoint;
  return {
    ...loaded,
    config: {
      ...c,
      ...(entrypoint ? { entrypoint } : {}),
      // the app's entrypoint replaces the preset's, and with it the preset's cmd
      ...(own.entrypoint || !app.entrypoint ? {} : { cmd: own.cmd }),
      ...((own.workdir ?? app.workdir) ? { workdir: own.workdir ?? app.workdir } : {}),
      env: { ...app.env, ...c.env },
    },
  };
}
