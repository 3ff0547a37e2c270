// What a build, lock or why request names as its config: a pith.yaml path or a config object, plus the
// overrides (preset, variant, suite, archs) merged in before the schema sees it, so a caller of the API and
// a user of the CLI get the same error (code, field path) for the same mistake. Also where its lock lives.
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
    return loadConfig(req.config, overrides);
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
  const dir = typeof req.config === 'string' ? dirname(req.config) : resolve(req.baseDir ?? process.cwd());
  return join(dir, 'pith.lock.json');
}
