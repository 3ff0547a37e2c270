// The Authorization header a registry request carries (oci.md §13): learnt from the ping's challenge (none,
// Basic, or Bearer with realm and service), the credentials the keychain gives for this registry (asked
// once), and cached tokens. On a 401 the transport calls `recover`: it adopts the new challenge, drops the
// refused token and, for error="insufficient_scope", widens that request's scopes to the union, once.
import { type Challenge, parseChallenge, pickChallenge } from './challenge.ts';
import { basicAuthorization, type CredentialSource, type Credentials, isPassword } from './credentials.ts';
import { fetchToken, scopeKey, TokenCache, type TokenSender } from './token.ts';

/** Splits a request's scope string (several scopes separated by spaces) into scopes. */
export function splitScopes(scope: string): string[] {
  return scope.split(/\s+/).filter(Boolean);
}

export class Authorizer {
  readonly #registry: string;
  readonly #source: CredentialSource | undefined;
  readonly #send: TokenSender;
  readonly #now: () => number;
  readonly #tokens: TokenCache;
  /** Request scope key → the wider scope set a registry asked for. */
  readonly #widened = new Map<string, string[]>();
  #challenge: Challenge | undefined;
  #creds: Promise<Credentials | undefined> | undefined;

  constructor(registry: string, source: CredentialSource | undefined, send: TokenSender, now = Date.now) {
    this.#registry = registry;
    this.#source = source;
    this.#send = send;
    this.#now = now;
    this.#tokens = new TokenCache(now);
  }

  /** Takes the challenge of a 401 (from the ping or a later request); false when none is usable. */
  adopt(wwwAuthenticate: string | null): boolean {
    const ch = pickChallenge(parseChallenge(wwwAuthenticate ?? ''));
    if (ch) this.#challenge = ch;
    return ch !== undefined;
  }

  /** The credentials for this registry, looked up once (a failed lookup is retried next time). */
  credentials(): Promise<Credentials | undefined> {
    if (!this.#source) return Promise.resolve(undefined);
    this.#creds ??= this.#source(this.#registry).catch((err: unknown) => {
      this.#creds = undefined;
      throw err;
    });
    return this.#creds;
  }

  /** The Authorization value for a request needing `scopes`; undefined means anonymous. */
  async authorization(scopes: string[]): Promise<string | undefined> {
    const ch = this.#challenge;
    if (!ch) return undefined;
    const creds = await this.credentials();
    if (creds && 'registryToken' in creds) return `Bearer ${creds.registryToken}`;
    if (ch.scheme === 'basic') return isPassword(creds) ? basicAuthorization(creds) : undefined;
    const wanted = this.#effective(scopes);
    const realm = { realm: ch.params['realm']!, service: ch.params['service'] };
    const token = await this.#tokens.get(scopeKey(wanted), () =>
      fetchToken(realm, wanted, creds, this.#send, this.#now),
    );
    return `Bearer ${token}`;
  }

  /** After a 401 from the registry: true when asking again with a new Authorization may succeed. */
  async recover(wwwAuthenticate: string | null, scopes: string[]): Promise<boolean> {
    const before = this.#challenge;
    if (!this.adopt(wwwAuthenticate)) return false;
    const ch = this.#challenge!;
    const creds = await this.credentials();
    if (creds && 'registryToken' in creds) return false; // a fixed token: nothing to refresh
    if (ch.scheme === 'basic') return before?.scheme !== 'basic';
    const current = this.#effective(scopes);
    this.#tokens.delete(scopeKey(current));
    const asked = ch.params['error'] === 'insufficient_scope' ? splitScopes(ch.params['scope'] ?? '') : [];
    if (asked.length) {
      const union = [...new Set([...current, ...asked])];
      this.#widened.set(scopeKey(scopes), union);
      this.#tokens.delete(scopeKey(union));
    }
    return true;
  }

  /** True when requests go out without credentials (for error hints). */
  async anonymous(): Promise<boolean> {
    return (await this.credentials().catch(() => undefined)) === undefined;
  }

  #effective(scopes: string[]): string[] {
    return this.#widened.get(scopeKey(scopes)) ?? scopes;
  }
}
