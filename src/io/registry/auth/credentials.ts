// How auth files name registries (docker.io has legacy spellings) and which URL credential helpers are
// asked about; the credential types themselves belong to the transport that consumes them.

export type { CredentialSource, Credentials } from '../transport/credentials.ts';

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
