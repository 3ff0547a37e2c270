// The image config's execution defaults from pith.yaml: exec-form entrypoint/cmd, sorted env with the
// distroless PATH by default, numeric user (default 65532, nonroot), ports, volumes, labels.
import type { ExecConfig } from '../oci/index.ts';
import { isPithError } from '../util/index.ts';
import type { LoadedConfig } from './config-load.ts';
import { fieldError } from './host-files.ts';
import { userSpec } from './owner.ts';

/** distroless's PATH (briefs/distroless.md §1.3). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_USER = '65532';

/** Builds the `config` member of the image config. */
export function execConfig(loaded: LoadedConfig): ExecConfig {
  const c = loaded.config;
  const env = { PATH: DEFAULT_PATH, ...c.env };
  const out: ExecConfig = {
    Env: Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .sort(),
    User: user(loaded),
    WorkingDir: c.workdir ?? '/',
  };
  if (c.entrypoint) out.Entrypoint = c.entrypoint;
  if (c.cmd) out.Cmd = c.cmd;
  if (c.labels && Object.keys(c.labels).length) out.Labels = c.labels;
  if (c.ports?.length) out.ExposedPorts = keySet(c.ports.map((p) => (p.includes('/') ? p : `${p}/tcp`)));
  if (c.volumes?.length) out.Volumes = keySet(c.volumes);
  if (c.stopSignal) out.StopSignal = c.stopSignal;
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
