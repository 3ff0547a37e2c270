// Where credentials come from, in the order podman/containers-image and docker use: REGISTRY_AUTH_FILE,
// else $XDG_RUNTIME_DIR/containers/auth.json and ~/.config/containers/auth.json; then $DOCKER_CONFIG/
// config.json or ~/.docker/config.json. The first file that knows the registry answers.
import { credentialsFrom, readAuthFile } from './auth-file.ts';
import { authFiles, type KeychainOptions } from './auth-paths.ts';
import type { CredentialSource } from './credentials.ts';

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
