// Where credentials come from, in the order podman/containers-image and docker use: REGISTRY_AUTH_FILE,
// else $XDG_RUNTIME_DIR/containers/auth.json and ~/.config/containers/auth.json; then $DOCKER_CONFIG/
// config.json or ~/.docker/config.json. The first file that knows the registry answers.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { credentialsFrom, readAuthFile } from './auth-file.ts';
import type { CredentialSource } from './credentials.ts';

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

/** A credential source over the auth files. */
export function keychain(opts: KeychainOptions = {}): CredentialSource {
  return async (registry) => {
    for (const path of authFiles(opts)) {
      const file = await readAuthFile(path);
      if (!file) continue;
      const creds = await credentialsFrom(file, registry);
      if (creds) return creds;
    }
    return undefined;
  };
}
