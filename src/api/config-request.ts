// What a build, lock or why request names as its config: a pith.yaml path or a config object, plus the
// overrides (preset, variant, suite, archs) merged in before the schema sees it, so a caller of the API and
// a user of the CLI get the same error (code, field path) for the same mistake. Also where its lock lives.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  type Arch,
  configFromObject,
  type LoadedConfig,
  loadConfig,
  type PithConfigInput,
  type Suite,
  type Variant,
} from '../config/index.ts';
import { PithError } from '../util/index.ts';
import type { Context } from './context.ts';

/** The config part of a request. */
export interface ConfigRequest {
  /** A pith.yaml path, or the config as an object (pith.yaml's schema). May be left out when `preset` is given. */
  config?: string | PithConfigInput;
  /** Overrides of the config's fields, validated with it (the CLI's --preset, --variant, --suite, --arch). */
  preset?: string;
  variant?: Variant;
  suite?: Suite;
  archs?: readonly Arch[];
  /** For a config object: the directory its relative paths (files' `src`, `context`, `keyring`) resolve against, and where its lock lives (default: the working directory). */
  baseDir?: string;
}

/** The validated config a request names. */
export async function requestConfig(ctx: Context, req: ConfigRequest): Promise<LoadedConfig> {
  const overrides = {
    preset: req.preset,
    variant: req.variant,
    suite: req.suite,
    archs: req.archs && req.archs.length > 0 ? req.archs : undefined,
  };
  if (typeof req.config === 'string') {
    ctx.emit({ type: 'phase', phase: 'load-config', item: req.config });
    const project = await nodeProject(req.config);
    if (project) return projectConfig(project, overrides);
    return loadConfig(configFile(req.config), overrides);
  }
  if (req.config === undefined && !req.preset)
    throw new PithError('usage', 'NO_CONFIG', 'give a config file or object, or a preset (--preset NAME)');
  return configFromObject(req.config ?? {}, overrides, {
    label: req.config === undefined ? '(request)' : '(config object)',
    ...(req.baseDir ? { baseDir: req.baseDir } : {}),
  });
}

/** The lock file of a request: pith.lock.json beside the config file (else in `baseDir` or the working directory). */
export function lockPath(req: ConfigRequest): string {
  const dir =
    typeof req.config === 'string'
      ? isDirectory(req.config)
        ? req.config
        : dirname(req.config)
      : resolve(req.baseDir ?? process.cwd());
  return join(dir, 'pith.lock.json');
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** A directory names its pith.yaml (when it has none, loading the directory says so). */
function configFile(path: string): string {
  return isDirectory(path) && existsSync(join(path, 'pith.yaml')) ? join(path, 'pith.yaml') : path;
}

/** A directory with package.json and no pith.yaml: a Node.js project to build as it is. */
async function nodeProject(path: string): Promise<string | undefined> {
  if (!isDirectory(path) || existsSync(join(path, 'pith.yaml'))) return undefined;
  return existsSync(join(path, 'package.json')) ? resolve(path) : undefined;
}

/**
 * The config of a bare Node.js project: the app on the nodejs preset its engines.node allows (newest
 * first), errors located at its package.json.
 */
async function projectConfig(dir: string, overrides: Record<string, unknown>): Promise<LoadedConfig> {
  const pkgFile = join(dir, 'package.json');
  const { nodePresetFor } = await import('../node/index.ts');
  let engines: unknown;
  try {
    engines = (JSON.parse(await readFile(pkgFile, 'utf8')) as { engines?: { node?: unknown } }).engines?.node;
  } catch (cause) {
    throw new PithError('input', 'NOT_A_NODE_PROJECT', `${pkgFile}: not valid JSON`, { cause });
  }
  const preset = (overrides['preset'] as string | undefined) ?? nodePresetFor(engines, pkgFile);
  return configFromObject({ app: { node: '.' } }, { ...overrides, preset }, { label: pkgFile, baseDir: dir });
}
