// The context every verb runs in: `createPith(options)` owns what used to be process state (the cache
// directory, offline mode, registry credentials, insecure hosts and CA file, the network timeout, the
// environment's defaults, cancellation and progress). Two contexts in one process share nothing; the
// environment is read once, when a context is made, and only for the settings the options leave out.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { NetworkOptions } from '../apt-repo/index.ts';
import type { CredentialSource, Credentials, ReadOptions, RemoteOptions } from '../io/index.ts';
import { loginFile } from '../io/registry/auth/auth-paths.ts';
import type { Artifact } from '../oci/index.ts';
import {
  abortedError,
  checkTimeoutMs,
  DEFAULT_IDLE_TIMEOUT_MS,
  type Epoch,
  epochFromEnv,
  fromSystemError,
  idleTimeoutFromEnv,
  isPithError,
  type OnEvent,
  type PithEvent,
  Scope,
} from '../util/index.ts';

/** Registry settings of a context. */
export interface RegistryOptions {
  /**
   * Credentials by registry host[:port] (`{ 'registry.example:5000': { username, password } }`), or a
   * lookup function. Consulted before the keychain; they live in memory only and go to that registry and
   * to the token service its challenge names (never to a redirect's other origin).
   */
  credentials?: Record<string, Credentials> | CredentialSource;
  /**
   * Also read docker's and podman's auth files and credential helpers (REGISTRY_AUTH_FILE, ~/.docker/
   * config.json, …) for registries `credentials` does not know. Default true.
   */
  keychain?: boolean;
  /**
   * Registries (host[:port]) that may be spoken to over plain HTTP (loopback always may); added to those
   * PITH_INSECURE_REGISTRIES names in `env` (pass `env: {}` to trust only these).
   */
  insecure?: readonly string[];
  /** A PEM bundle of CA certificates trusted for registries besides the default roots. */
  caFile?: string;
}

/** What `createPith` accepts; every field is optional. */
export interface PithOptions {
  /** Download and content cache (default $XDG_CACHE_HOME/pith, else ~/.cache/pith). */
  cacheDir?: string;
  /** Use only what the cache holds; never touch the network for Debian indexes or packages. */
  offline?: boolean;
  registries?: RegistryOptions;
  /** Give up an attempt (and retry) after this many ms without a byte either way (default 30 000). */
  networkTimeoutMs?: number;
  /** Cancels every operation of this context (each call may also bring its own signal). */
  signal?: AbortSignal;
  /** Hears progress: phases, bytes, packages, retries and warnings, as typed events. */
  onEvent?: OnEvent;
  /**
   * The environment defaults are read from, once, now (default `process.env`): SOURCE_DATE_EPOCH,
   * XDG_CACHE_HOME, TMPDIR, HOME, PITH_INSECURE_REGISTRIES, PITH_REGISTRY_CA_FILE, PITH_NETWORK_TIMEOUT, and
   * the auth file locations (REGISTRY_AUTH_FILE, DOCKER_CONFIG, XDG_RUNTIME_DIR), and for signing
   * PITH_PASSWORD (or COSIGN_PASSWORD) and SIGSTORE_ID_TOKEN. Pass `{}` to ignore it
   * (the home directory then comes from the user database, and the keychain still reads its auth files
   * unless `registries.keychain` is false).
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Options every verb takes besides its own: a signal and a listener for this call only. */
export interface CallOptions {
  signal?: AbortSignal;
  onEvent?: OnEvent;
}

/** The settings a context resolved from its options and environment. */
export interface ResolvedSettings {
  cacheDir: string;
  offline: boolean;
  networkTimeoutMs: number;
  insecureRegistries: readonly string[];
  registryCaFile?: string;
  /** Where `login` saves credentials. */
  authFile: string;
  /** Where compressed archives are decompressed to while they are read. */
  tmpDir: string;
}

/** One call's view of its context: settings, the signal to honour and where events go. */
export class Context {
  readonly settings: ResolvedSettings;
  readonly signal: AbortSignal | undefined;
  /** What this call leaves to tidy when it settles (decompressed archive copies). */
  readonly scope = new Scope();
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #credentials: CredentialSource;
  readonly #listeners: readonly OnEvent[];

  constructor(
    settings: ResolvedSettings,
    env: Readonly<Record<string, string | undefined>>,
    credentials: CredentialSource,
    signal: AbortSignal | undefined,
    listeners: readonly OnEvent[],
  ) {
    this.settings = settings;
    this.#env = env;
    this.#credentials = credentials;
    this.signal = signal;
    this.#listeners = listeners;
  }

  /** The context of one call: its signal joined with the context's, its listener added. */
  forCall(call: CallOptions = {}): Context {
    const signals = [this.signal, call.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const listeners = call.onEvent ? [...this.#listeners, call.onEvent] : this.#listeners;
    return new Context(this.settings, this.#env, this.#credentials, signal, listeners);
  }

  emit(event: PithEvent): void {
    for (const l of this.#listeners) l(event);
  }

  /** The environment this context reads defaults from (npm's config, e.g. npm_config_registry). */
  get env(): Readonly<Record<string, string | undefined>> {
    return this.#env;
  }

  /** SOURCE_DATE_EPOCH of the context's environment (0 when unset); a malformed value is an error. */
  epoch(): Epoch {
    return epochFromEnv(this.#env);
  }

  /** The options every registry call of this context uses; `phase` says what its bytes are for. */
  remote(phase: 'pull' | 'push'): RemoteOptions {
    const s = this.settings;
    return {
      credentials: this.#credentials,
      insecure: s.insecureRegistries,
      ...(s.registryCaFile ? { caFile: s.registryCaFile } : {}),
      idleTimeoutMs: s.networkTimeoutMs,
      ...(this.signal ? { signal: this.signal } : {}),
      scope: this.scope,
      onRetry: ({ registry, ...r }) => this.emit({ type: 'retry', item: registry, ...r }),
      onProgress: (p) => this.emit({ type: 'bytes', phase, item: p.digest, done: p.done, total: p.total }),
    };
  }

  /** Options to read an artifact with: the registry settings, this call's scope and temporary directory. */
  read(): ReadOptions {
    return { ...this.remote('pull'), tmpDir: this.settings.tmpDir };
  }

  /** Idle timeout, signal and retry events for the Debian mirrors. */
  network(): NetworkOptions {
    return {
      idleTimeoutMs: this.settings.networkTimeoutMs,
      ...(this.signal ? { signal: this.signal } : {}),
      onRetry: ({ url, ...r }) => this.emit({ type: 'retry', item: url, ...r }),
    };
  }

  /** Reads a `from:` base or a copy source: a transport reference, or a registry reference. */
  loadBase = async (reference: string): Promise<Artifact> => {
    const { parseTransportRef, readArtifact } = await import('../io/index.ts');
    const hasTransport =
      /^(oci|oci-archive|docker-archive):/.test(reference) || reference.startsWith('docker://');
    const ref = parseTransportRef(hasTransport ? reference : `docker://${reference}`);
    this.emit({ type: 'phase', phase: 'pull-base', item: reference });
    return readArtifact(ref, this.read());
  };

  /**
   * Runs a verb. If the signal fired, whatever it failed with becomes one ABORTED error; a system error no
   * caller named (errno) becomes a PithError of its kind, as the CLI reports it. Anything else is a bug.
   */
  async run<T>(verb: (ctx: Context) => Promise<T>): Promise<T> {
    if (this.signal?.aborted) throw abortedError(this.signal);
    try {
      return await verb(this);
    } catch (err) {
      if (this.signal?.aborted && !(isPithError(err) && err.code === 'ABORTED'))
        throw abortedError(this.signal, isPithError(err) ? err.message : undefined);
      throw isPithError(err) ? err : (fromSystemError(err) ?? err);
    } finally {
      await this.scope.close();
    }
  }
}

/** Resolves options over the environment into a context. */
export function makeContext(opts: PithOptions = {}): Context {
  const env = Object.freeze({ ...(opts.env ?? process.env) });
  const fromEnv = (name: string) => (env[name]?.trim() ? env[name]?.trim() : undefined);
  const envInsecure = (fromEnv('PITH_INSECURE_REGISTRIES') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const caFile = opts.registries?.caFile ?? fromEnv('PITH_REGISTRY_CA_FILE');
  const home = fromEnv('HOME') ?? accountHome();
  const settings: ResolvedSettings = Object.freeze({
    cacheDir: opts.cacheDir ?? join(fromEnv('XDG_CACHE_HOME') ?? join(home, '.cache'), 'pith'),
    offline: opts.offline === true,
    networkTimeoutMs:
      opts.networkTimeoutMs !== undefined
        ? checkTimeoutMs(opts.networkTimeoutMs, 'networkTimeoutMs')
        : (idleTimeoutFromEnv(env) ?? DEFAULT_IDLE_TIMEOUT_MS),
    insecureRegistries: [...new Set([...envInsecure, ...(opts.registries?.insecure ?? [])])],
    ...(caFile ? { registryCaFile: caFile } : {}),
    authFile: loginFile({ env, home }),
    tmpDir: fromEnv('TMPDIR') ?? '/tmp',
  });
  return new Context(
    settings,
    env,
    credentialSource(opts.registries, env, home),
    opts.signal,
    opts.onEvent ? [opts.onEvent] : [],
  );
}

/** The home directory of the user database (without HOME): a user with no entry there gets `/`. */
function accountHome(): string {
  try {
    return userInfo().homedir;
  } catch {
    return '/';
  }
}

/** The context's credentials first, then (unless turned off) the keychain over the context's environment. */
function credentialSource(
  r: RegistryOptions | undefined,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): CredentialSource {
  const given = r?.credentials;
  const own: CredentialSource =
    typeof given === 'function'
      ? given
      : async (registry) => (given && Object.hasOwn(given, registry) ? given[registry] : undefined);
  if (r?.keychain === false) return own;
  return async (registry) =>
    (await own(registry)) ?? (await (await import('../io/index.ts')).keychain({ env, home })(registry));
}
