// The registries a build shares with other runners: the cache repository (`--cache-repo` or the config's
// `cacheRepo`: layers and .deb files, read first and written back) and the config's `mirror.registry`
// (the .deb files `pith mirror` stored, read when the archive no longer serves one). Both are io's
// CacheRepo, reached with the context's registry settings and credentials.
import type { PackageRecord, PackageStore, PackageStores } from '../apt-repo/index.ts';
import type { LoadedConfig } from '../config/index.ts';
import { CacheRepo, clientFor, parseTransportRef } from '../io/index.ts';
import type { RemoteLayers } from '../layer/index.ts';
import type { Blob } from '../oci/index.ts';
import { type Digest, isPithError, PithError } from '../util/index.ts';
import type { Context } from './context.ts';

/** A registry repository (`docker://HOST/REPO`, no tag or digest) as a CacheRepo of this context. */
export function cacheRepoAt(ctx: Context, text: string, what: string): CacheRepo {
  const parsed = (() => {
    try {
      return parseTransportRef(text);
    } catch (cause) {
      throw new PithError('input', 'BAD_CACHE_REPO', `${what} ${text}: ${(cause as Error).message}`, {
        cause,
      });
    }
  })();
  if (parsed.transport !== 'docker' || parsed.ref.tag || parsed.ref.digest)
    throw new PithError(
      'input',
      'BAD_CACHE_REPO',
      `${what} ${text}: must be a registry repository, docker://HOST/REPO (no tag or digest)`,
    );
  return new CacheRepo(parsed.ref, clientFor(parsed.ref, ctx.remote('push')));
}

/**
 * A cache repository that stops being asked after it fails once (unreachable, refused, broken): that first
 * failure is the one warning, and the build goes on without it. A malformed record fails only itself.
 */
export class GuardedRepo implements RemoteLayers {
  readonly repo: CacheRepo;
  #down = false;

  constructor(repo: CacheRepo) {
    this.repo = repo;
  }

  get name(): string {
    return this.repo.name;
  }

  async #call<T>(quiet: T, work: () => Promise<T>): Promise<T> {
    if (this.#down) return quiet;
    try {
      return await work();
    } catch (err) {
      if (!(isPithError(err) && err.code === 'BAD_CACHE_RECORD')) this.#down = true;
      throw err;
    }
  }

  findLayer(key: string) {
    return this.#call(undefined, () => this.repo.findLayer(key));
  }

  keepLayer(key: string, diffId: Digest, blob: Blob) {
    return this.#call(undefined, () => this.repo.keepLayer(key, diffId, blob));
  }

  /** The repository as the Debian fetcher's package store (`keep`: given what the archive served). */
  packageStore(keep: boolean): PackageStore {
    return {
      name: this.name,
      fetch: (p: PackageRecord) => this.#call(undefined, () => this.repo.fetchDeb(p.sha256, p.size)),
      ...(keep
        ? {
            keep: (p: PackageRecord, bytes: Buffer) =>
              this.#call(undefined, async () => {
                await this.repo.keepDeb(p.sha256, bytes, p.filename.split('/').at(-1)!);
              }),
          }
        : {}),
    };
  }
}

/** The shared stores of a build: `cacheRepo` (the request's, else the config's) and the config's mirror.registry. */
export function sharedStores(
  ctx: Context,
  loaded: LoadedConfig,
  cacheRepo: string | undefined,
): { layers?: RemoteLayers; packages?: PackageStores } | undefined {
  const cacheText = cacheRepo ?? loaded.config.cacheRepo;
  const mirrorText = loaded.config.mirror?.registry;
  if (!cacheText && !mirrorText) return undefined;
  const cache = cacheText
    ? new GuardedRepo(cacheRepoAt(ctx, cacheText, cacheRepo ? '--cache-repo' : 'cacheRepo'))
    : undefined;
  const mirror = mirrorText ? new GuardedRepo(cacheRepoAt(ctx, mirrorText, 'mirror.registry')) : undefined;
  return {
    ...(cache ? { layers: cache } : {}),
    packages: {
      ...(cache ? { first: [cache.packageStore(true)] } : {}),
      ...(mirror ? { fallback: [mirror.packageStore(false)] } : {}),
    },
  };
}
