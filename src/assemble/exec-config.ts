// The image config's execution defaults from pith.yaml: exec-form entrypoint/cmd, sorted env with the
// distroless PATH by default, numeric user (default 65532, nonroot), ports, volumes, labels.

import type { LoadedConfig } from '../config/index.ts';
import type { ExecConfig } from '../oci/index.ts';
import { isPithError } from '../util/index.ts';
import { fieldError } from './host-files.ts';
import { userSpec } from './owner.ts';

/** distroless's PATH (briefs/distroless.md §1.3). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_USER = '65532';

/** Builds the `config` member of the image config, on top of a base image's when there is one. */
export function execConfig(loaded: LoadedConfig, base?: ExecConfig): ExecConfig {
  const c = loaded.config;
  const env = { ...(base ? envMap(base.Env) : { PATH: DEFAULT_PATH }), ...c.env };
  const out: ExecConfig = {
    Env: Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .sort(),
    User: c.user !== undefined ? user(loaded) : (base?.User ?? DEFAULT_USER),
    WorkingDir: c.workdir ?? (base?.WorkingDir || '/'),
  };
  // Docker's rule: a new entrypoint drops the base's cmd.
  const entrypoint = c.entrypoint ?? base?.Entrypoint ?? undefined;
  const cmd = c.cmd ?? (c.entrypoint ? undefined : (base?.Cmd ?? undefined));
  if (entrypoint) out.Entrypoint = entrypoint;
  if (cmd) out.Cmd = cmd;
  const labels = { ...base?.Labels, ...c.labels };
  if (Object.keys(labels).length) out.Labels = labels;
  const ports = [
    ...Object.keys(base?.ExposedPorts ?? {}),
    ...(c.ports ?? []).map((p) => (p.includes('/') ? p : `${p}/tcp`)),
  ];
  if (ports.length) out.ExposedPorts = keySet(ports);
  const volumes = [...Object.keys(base?.Volumes ?? {}), ...(c.volumes ?? [])];
  if (volumes.length) out.Volumes = keySet(volumes);
  const stop = c.stopSignal ?? base?.StopSignal;
  if (stop) out.StopSignal = stop;
  return out;
}

function envMap(env: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

function user(loaded: LoadedConfig): string {
  const u = loaded.config.user;
  if (u === undefined) return DEFAULT_USER;
  try {
    return userSpec(u);
  } catch (err) {
    if (isPithError(err)) throw fieldError(loaded, ['user'], err.code, err.message, err);
    throw err;
  }
}

function keySet(keys: string[]): Record<string, Record<string, never>> {
  return Object.fromEntries([...new Set(keys)].sort().map((k) => [k, {}]));
}
