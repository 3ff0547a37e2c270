// Where registry credentials live, in the order podman/containers-image and docker read them, and the file
// `pith login` writes. Paths only (no reading), so a context can name its auth file without loading io.
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface KeychainOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** The auth files consulted, in order. */
export function authFiles(opts: KeychainOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const home = opts.home ?? homedir();
  const podman = env['REGISTRY_AUTH_FILE']
    ? [env['REGISTRY_AUTH_FILE']]
    : [
        ...(env['XDG_RUNTIME_DIR'] ? [join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json')] : []),
        join(home, '.config', 'containers', 'auth.json'),
      ];
  return [...podman, join(env['DOCKER_CONFIG'] ?? join(home, '.docker'), 'config.json')];
}

/** The file `pith login` writes: REGISTRY_AUTH_FILE if set, else docker's config.json (read by docker, crane, skopeo, podman). */
export function loginFile(opts: KeychainOptions = {}): string {
  const env = opts.env ?? process.env;
  const home = opts.home ?? homedir();
  return env['REGISTRY_AUTH_FILE'] ?? join(env['DOCKER_CONFIG'] ?? join(home, '.docker'), 'config.json');
}
