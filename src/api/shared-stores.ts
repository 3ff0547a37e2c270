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
  // the client's progress events are for the blobs it reads
  return new CacheRepo(parsed.ref, clientFor(parsed.ref, ctx.remote('pull')));
}

/**
 * A cache repository that stops being read after a read fails once (unreachable, refused, broken), and
 * stops being written after a write fails once (a pull-only token, immutable tags): that first failure is
 * the one warning, and the build goes on without it. A malformed record fails only itself.
 */
export class GuardedRepo implements RemoteLayers {
  readonly repo: CacheRepo;
  #readDown = false;
  #writeDown = false;

  constructor(repo: CacheRepo) {
    this.repo = repo;
  }

  get name(): string {
    return this.repo.name;
  }

  async #read<T>(work: () => Promise<T | undefined>): Promise<T | undefined> {
    if (this.#readDown) return undefined;
    try {
      return await work();
    } catch (err) {
      if (!(isPithError(err) && err.code === 'BAD_CACHE_RECORD')) this.#readDown = true;
      throw err;
    }
  }

  async #write(work: () => Promise<void>): Promise<void> {
    if (this.#writeDown) return;
    try {
      await work();
    } catch (err) {
      this.#writeDown = true;
      throw err;
    }
  }

  /** A blob's stream whose failure counts as a failed read. */
  async *#stream(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
    try {
      yield* source;
    } catch (err) {
      this.#readDown = true;
      throw err;
    }
  }

  async findLayer(key: string) {
    const found = await this.#read(() => this.repo.findLayer(key));
    if (!found) return undefined;
    const { blob } = found;
    return {
      diffId: found.diffId,
      blob: { descriptor: blob.descriptor, open: () => this.#stream(blob.open()) },
    };
  }

  keepLayer(key: string, diffId: Digest, blob: Blob, opts?: { ifMissing?: boolean }) {
    return this.#write(() => this.repo.keepLayer(key, diffId, blob, opts));
  }

  /** The repository as the Debian fetcher's package store (`keep`: given what the archive served). */
  packageStore(keep: boolean): PackageStore {
    return {
      name: this.name,
      fetch: (p: PackageRecord) => this.#read(() => this.repo.fetchDeb(p.sha256, p.size)),
      ...(keep
        ? {
            keep: (p: PackageRecord, bytes: Buffer) =>
              this.#write(async () => {
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
  // offline means no network at all: the local cache alone
  if ((!cacheText && !mirrorText) || ctx.settings.offline) return undefined;
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
