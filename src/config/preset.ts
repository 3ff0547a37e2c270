// Presets are ordinary pith configs shipped in presets/<suite>/<name>.yaml (distroless's static,
// base-nossl, base, cc, python3). A config with `preset:` extends one: lists are appended (preset first),
// maps merged and scalars overridden by the config; errors keep pointing at the file that holds the field.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PithError } from '../util/index.ts';
import { type FieldPath, type LoadedConfig, loadConfig } from './config-load.ts';
import type { PithConfig } from './config-schema.ts';

export const PRESETS_DIR = resolve(import.meta.dirname, '..', '..', 'presets');
export const DEFAULT_SUITE = 'trixie';

export interface PresetInfo {
  suite: string;
  name: string;
  description: string;
  file: string;
}

/** Every shipped preset. */
export async function listPresets(): Promise<PresetInfo[]> {
  const out: PresetInfo[] = [];
  for (const suite of (await readdir(PRESETS_DIR)).sort()) {
    for (const f of (await readdir(join(PRESETS_DIR, suite))).filter((x) => x.endsWith('.yaml')).sort()) {
      const file = join(PRESETS_DIR, suite, f);
      const lines = (await readFile(file, 'utf8')).split('\n');
      const comment = lines
        .slice(
          0,
          lines.findIndex((l) => !l.startsWith('#')),
        )
        .map((l) => l.replace(/^#\s*/, ''));
      out.push({ suite, name: f.slice(0, -5), description: comment.join(' '), file });
    }
  }
  return out;
}

/** The path of a preset, or an input error listing what exists. */
export async function presetFile(name: string, suite: string, where: string): Promise<string> {
  const all = await listPresets();
  const hit = all.find((p) => p.name === name && p.suite === suite);
  if (hit) return hit.file;
  const names = all.filter((p) => p.suite === suite).map((p) => p.name);
  throw new PithError(
    'input',
    'NO_SUCH_PRESET',
    `${where}: no preset "${name}" for ${suite} (presets: ${names.join(', ') || 'none'})`,
  );
}

/** Loads a preset by name as a config of its own. */
export async function loadPreset(
  name: string,
  suite = DEFAULT_SUITE,
  where = 'preset',
): Promise<LoadedConfig> {
  return loadConfig(await presetFile(name, suite, where));
}

/** A config extended by its preset (if it names one). */
export async function withPreset(user: LoadedConfig): Promise<LoadedConfig> {
  const name = user.config.preset;
  if (!name) return user;
  const preset = await loadPreset(name, user.config.suite ?? DEFAULT_SUITE, user.where(['preset']));
  return mergeConfigs(preset, user);
}

/** `over` extends `base`. */
export function mergeConfigs(base: LoadedConfig, over: LoadedConfig): LoadedConfig {
  const b = base.config;
  const o = over.config;
  const config: PithConfig = { ...b, ...o };
  for (const key of ['packages', 'exclude', 'files', 'keyring', 'volumes', 'ports'] as const) {
    const merged = [...(b[key] ?? []), ...(o[key] ?? [])];
    if (merged.length)
      (config as Record<string, unknown>)[key] = key === 'files' ? merged : [...new Set(merged as string[])];
  }
  for (const key of ['env', 'labels', 'annotations'] as const) {
    if (b[key] || o[key]) config[key] = { ...b[key], ...o[key] };
  }
  if (b.node && o.node) config.node = { ...b.node, ...o.node };
  // A preset that pins its list exactly (resolve: false) keeps it exact; the config's own packages are
  // still resolved, with the preset's packages counting as installed.
  if (b.resolve === false && o.resolve === undefined) {
    config.exactPackages = [...new Set([...(b.exactPackages ?? []), ...(b.packages ?? [])])];
    if (o.packages?.length) config.packages = o.packages;
    else delete config.packages;
    delete config.resolve;
  }
  const presetFiles = b.files?.length ?? 0;
  const where = (path: FieldPath) => {
    if (path[0] === 'files' && typeof path[1] === 'number') {
      return path[1] < presetFiles
        ? base.where(path)
        : over.where(['files', path[1] - presetFiles, ...path.slice(2)]);
    }
    return path.length &&
      o[path[0] as keyof PithConfig] === undefined &&
      b[path[0] as keyof PithConfig] !== undefined
      ? base.where(path)
      : over.where(path);
  };
  // Relative `src` paths resolve against the extending config's directory (presets only add links).
  return { config, file: over.file, baseDir: over.baseDir, where };
}
