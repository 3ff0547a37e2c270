// One build's view of the Debian archive: which mirrors and keys, the verified Release of each suite
// (fetched once, shared by every architecture), each (suite, arch) Packages index, and the package
// universe per architecture over the suite and its -updates and -security suites.

import {
  ContentCache,
  defaultCacheDir,
  type OnEvent,
  PithError,
  type PithEvent,
  redactUrl,
} from '../util/index.ts';
import { type Mirrors, mirrorsFrom, readAptSources } from './apt-sources.ts';
import type { PackageStore } from './fetch-debs.ts';
import type { NetworkOptions } from './http.ts';
import { debianArchiveKeys, type Key, keyringDigest, readKeyring } from './keyring.ts';
import type { Release } from './release.ts';
import { fetchIndex, fetchRelease, type SuiteRef } from './suite-client.ts';
import { type IndexSource, type Universe, universeOf } from './universe.ts';

export interface SessionOptions {
  suite: string;
  mirrors?: Mirrors;
  keyrings?: string[];
  /** Archive components (default main). */
  components?: string[];
  cacheDir?: string;
  offline?: boolean;
  /** Idle timeout and cancel signal of every request to the mirrors. */
  network?: NetworkOptions;
  onEvent?: OnEvent;
  /** Where .deb files come from besides the mirror (fetch-debs.ts): stores asked first, and fallbacks. */
  packageStores?: PackageStores;
}

export interface PackageStores {
  first?: readonly PackageStore[];
  fallback?: readonly PackageStore[];
}

export class DebianSession {
  readonly suite: string;
  readonly cache: ContentCache;
  readonly offline: boolean;
  readonly network: NetworkOptions;
  /** The archive components read (default main). */
  readonly components: readonly string[];
  readonly packageStores: PackageStores;
  readonly #opts: SessionOptions;
  #refs: Promise<SuiteRef[]> | undefined;
  #keys: Promise<Key[]> | undefined;
  #keyringDigest: Promise<string> | undefined;
  readonly #releases = new Map<string, Promise<Release>>();
  readonly #universes = new Map<string, Promise<Universe>>();

  constructor(opts: SessionOptions) {
    this.suite = opts.suite;
    this.cache = new ContentCache(opts.cacheDir ?? defaultCacheDir());
    this.offline = opts.offline === true;
    this.network = opts.network ?? {};
    this.components = opts.components ?? ['main'];
    this.packageStores = opts.packageStores ?? {};
    this.#opts = opts;
  }

  /** The suite, its -updates and its -security suite, each with its mirror. */
  suites(): Promise<SuiteRef[]> {
    this.#refs ??= this.#resolveSuites();
    return this.#refs;
  }

  keys(): Promise<Key[]> {
    this.#keys ??= this.#opts.keyrings?.length ? readKeyring(this.#opts.keyrings) : debianArchiveKeys();
    return this.#keys;
  }

  /** What identifies the keys without parsing them (keyringDigest). */
  #keyring(): Promise<string> {
    this.#keyringDigest ??= keyringDigest(this.#opts.keyrings?.length ? this.#opts.keyrings : undefined);
    return this.#keyringDigest;
  }

  release(ref: SuiteRef): Promise<Release> {
    let p = this.#releases.get(ref.suite);
    if (!p) {
      this.#opts.onEvent?.({ type: 'phase', phase: 'verify-release', item: ref.suite });
      p = this.#keyring().then((keyring) =>
        fetchRelease(ref, { keys: () => this.keys(), keyring, ...this.#clientOptions() }),
      );
      this.#releases.set(ref.suite, p);
    }
    return p;
  }

  /** The package universe of an architecture across the suites. */
  universe(arch: string): Promise<Universe> {
    let p = this.#universes.get(arch);
    if (!p) {
      p = this.#loadUniverse(arch);
      this.#universes.set(arch, p);
    }
    return p;
  }

  /**
   * The universe over every suite's indexes, fetched at once (the small -updates and -security indexes
   * while the main one streams); a failure is that of the first suite, in order, that failed.
   */
  async #loadUniverse(arch: string): Promise<Universe> {
    const suites = await this.suites();
    const settled = await Promise.allSettled(suites.map((ref) => this.#suiteIndexes(ref, arch)));
    const indexes: IndexSource[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') throw s.reason;
      indexes.push(...s.value);
    }
    return universeOf(indexes, arch);
  }

  /** A suite's indexes of an architecture, one per component, in order. */
  async #suiteIndexes(ref: SuiteRef, arch: string): Promise<IndexSource[]> {
    const keys = () => this.keys();
    const release = await this.release(ref);
    const components = (this.#opts.components ?? ['main']).filter(
      // a component the base suite has may be missing from -updates (e.g. non-free-firmware)
      (c) => ref.suite === this.suite || release.components.includes(c),
    );
    if (components.length === 0) throw noComponents(ref, release, this.#opts.components ?? ['main']);
    const indexes: IndexSource[] = [];
    for (const component of components) {
      this.#opts.onEvent?.({ type: 'phase', phase: 'read-index', item: `${ref.suite} ${component}`, arch });
      const opts = { keys, ...this.#clientOptions() };
      indexes.push(await fetchIndex(ref, release, component, arch, opts));
    }
    return indexes;
  }

  #clientOptions() {
    return { cache: this.cache, offline: this.offline, network: this.network };
  }

  /** Tells the session's listener about progress. */
  emit(event: PithEvent): void {
    this.#opts.onEvent?.(event);
  }

  async #resolveSuites(): Promise<SuiteRef[]> {
    const host =
      this.#opts.mirrors?.archive && this.#opts.mirrors.security ? {} : mirrorsFrom(await readAptSources());
    const archive = this.#opts.mirrors?.archive ?? host.archive;
    const security = this.#opts.mirrors?.security ?? host.security;
    if (!archive) {
      throw new PithError(
        'input',
        'NO_MIRROR',
        'no Debian mirror: set mirror.archive in the config, or configure apt sources on this host',
      );
    }
    if (!security) {
      throw new PithError(
        'input',
        'NO_SECURITY_MIRROR',
        `no Debian security mirror for ${this.suite}-security: set mirror.security in the config, or configure apt sources on this host`,
      );
    }
    for (const base of [archive, security]) refuseCredentials(base);
    return [
      { base: archive, suite: this.suite },
      { base: archive, suite: `${this.suite}-updates` },
      { base: security, suite: `${this.suite}-security` },
    ];
  }
}

/**
 * A suite that offers none of the components asked for would silently contribute nothing: for -security
 * that means images without Debian's security fixes, so it is an error, never a skip.
 */
function noComponents(ref: SuiteRef, release: Release, wanted: string[]): PithError {
  return new PithError(
    'input',
    'SUITE_WITHOUT_COMPONENTS',
    `${ref.base}/dists/${ref.suite}: its Release lists components ${release.components.join(' ') || '(none)'}, none of ${wanted.join(' ')}; refusing to build without it`,
  );
}

/**
 * Mirror URLs with user information (`http://user:password@host/debian`) are refused: pith sends no mirror
 * credentials, and the password must never reach a message or a log.
 */
function refuseCredentials(base: string): void {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new PithError('input', 'BAD_MIRROR_URL', `mirror ${base} is not a URL`);
  }
  if (u.username || u.password)
    throw new PithError(
      'input',
      'BAD_MIRROR_URL',
      `mirror ${redactUrl(base)} carries credentials in its URL; pith does not send mirror credentials (use a mirror that needs none)`,
    );
}
