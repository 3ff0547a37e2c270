// Registry credentials as pith handles them: a username/password, an identity (refresh) token, or a
// registry token. They are passed around only in memory: never printed, logged, or put in an error.

export type Credentials =
  | { username: string; password: string }
  | { identityToken: string }
  | { registryToken: string };

/** Looks up the credentials for a registry host[:port]; undefined when there are none (anonymous). */
export type CredentialSource = (registry: string) => Promise<Credentials | undefined>;

/** The keys a registry may be stored under in docker/podman auth files (docker.io has legacy spellings). */
export function registryKeys(registry: string): string[] {
  if (registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io') {
    return [
      'https://index.docker.io/v1/',
      'index.docker.io',
      'docker.io',
      'registry-1.docker.io',
      'https://index.docker.io/v1',
    ];
  }
  return [
    registry,
    `https://${registry}`,
    `http://${registry}`,
    `https://${registry}/v1/`,
    `https://${registry}/v2/`,
  ];
}

/** The server URL credential helpers are asked about (docker uses the legacy index URL for Docker Hub). */
export function helperServerUrl(registry: string): string {
  return registryKeys(registry)[0] === 'https://index.docker.io/v1/'
    ? 'https://index.docker.io/v1/'
    : registry;
}
