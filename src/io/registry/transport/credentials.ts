// Registry credentials as the transport consumes them (oci.md §13): a username and password, an identity
// (OAuth2 refresh) token, or a registry token that is itself the bearer token. They live in memory only:
// never logged, never in an error message, and sent only to the registry's own origin and to the token
// realm that registry names in its challenge (never to a redirect target on another origin, §12.6).

/** What a keychain knows for one registry. */
export type Credentials =
  | { username: string; password: string }
  | { identityToken: string }
  | { registryToken: string };

/** Keychain lookup by registry host[:port]; undefined means anonymous. */
export type CredentialSource = (registry: string) => Promise<Credentials | undefined>;

/** True for a username/password pair. */
export function isPassword(c: Credentials | undefined): c is { username: string; password: string } {
  return c !== undefined && 'username' in c;
}

/** The `Authorization: Basic …` value for a username and password (RFC 7617). */
export function basicAuthorization(c: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}
