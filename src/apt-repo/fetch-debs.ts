// Downloads the .deb files of resolved packages: a few at a time, each checked against the size and
// sha256 of the signed Packages index (or the lock) before it is cached or used. Where each comes from, in
// order: the local cache; the package stores asked first (a registry shared as a cache, `--cache-repo`);
// the mirror; then the fallback stores (a registry `pith mirror` filled, for versions the archive has
// dropped). Whatever a store or the mirror returns is verified the same way, so a store is never trusted.
// A .deb fetched from the mirror is written to the local cache as it arrives (hashed as it is written, put
// in place only once it checks) and kept in every store asked first. Offline mode uses only the local
// cache. Concurrent builds may share the cache (see util/content-cache.ts). The .debs are not held: each is
// read from the cache (hashed again) when its reader asks, so a build holds a few packages at a time
// however many it installs.
import { type ContentCache, forEachBounded, isPithError, messageOf, PithError } from '../util/index.ts';
import { fetchToFile, type NetworkOptions } from './http.ts';
import type { PackageRecord } from './package-record.ts';
import { checkHash, checkWritten } from './suite-client.ts';

/** Somewhere besides the mirror that may hold .deb files by sha256 (a registry repository). */
export interface PackageStore {
  /** Where it is, for messages (e.g. `docker://HOST/REPO`). */
  readonly name: string;
  /** The bytes it holds for this package's sha256 (unverified: the caller checks them), or undefined. */
  fetch(pkg: PackageRecord): Promise<Buffer | undefined>;
  /** Keeps a verified .deb (stores asked first); may fail without failing the build (the caller warns). */
  keep?(pkg: PackageRecord, bytes: Buffer): Promise<void>;
}

export interface FetchDebsOptions {
  cache: ContentCache;
  offline?: boolean;
  /** Downloads at once (default 4). */
  concurrency?: number;
  /** Idle timeout and cancel signal of every download. */
  network?: NetworkOptions;
  /** Stores asked before the mirror, and given what the mirror served. */
  first?: readonly PackageStore[];
  /** Stores asked when the mirror does not serve a package (or cannot be reached). */
  fallback?: readonly PackageStore[];
  /** Called as each package is ready. */
  onReady?: (pkg: PackageRecord, fromCache: boolean) => void;
  /** Told when a store could not keep a package (the build goes on). */
  onStoreFailure?: (store: PackageStore, pkg: PackageRecord, err: unknown) => void;
}

/** Reads a package's verified .deb: from the local cache, hashed as it is read (fetched again if it is gone). */
export type DebReader = () => Promise<Buffer>;

/**
 * Makes sure each package's .deb is in the local cache (a cached file of the listed size counts: it is
 * hashed when read), and gives a reader of each, keyed by sha256.
 */
export async function fetchDebs(
  pkgs: readonly PackageRecord[],
  opts: FetchDebsOptions,
): Promise<Map<string, DebReader>> {
  const unique = [...new Map(pkgs.map((p) => [p.sha256, p])).values()];
  await forEachBounded(
    unique,
    opts.concurrency ?? 4,
    async (p) => {
      if (await opts.cache.sized(p.sha256, p.size)) opts.onReady?.(p, true);
      else await fetchDeb(p, opts);
    },
    opts.network?.signal,
  );
  const quiet = { ...opts, onReady: undefined };
  return new Map(unique.map((p) => [p.sha256, () => readDeb(p, quiet)]));
}

/** The verified .deb from the cache (hashed as it is read), fetched into the cache first if it is not there. */
async function readDeb(p: PackageRecord, opts: FetchDebsOptions): Promise<Buffer> {
  const cached = await opts.cache.get(p.sha256);
  if (cached) return cached;
  await fetchDeb(p, opts);
  const fetched = await opts.cache.get(p.sha256);
  if (fetched) return fetched;
  throw new PithError(
    'io',
    'CACHE_UNWRITABLE',
    `${p.name} ${p.version}: the cache lost its .deb as it was read`,
  );
}

/**
 * Puts a package's verified .deb in the cache: from a store asked first, else from the mirror (written to
 * the cache as it arrives, never held whole), else from a fallback store.
 */
async function fetchDeb(p: PackageRecord, opts: FetchDebsOptions): Promise<void> {
  const where = `${p.name} ${p.version} (${p.url})`;
  if (opts.offline)
    throw new PithError('input', 'OFFLINE', `${where}: not in the cache and offline mode is on`);
  const listedBy = p.line ? `the verified ${p.origin} index` : 'pith.lock.json';
  const first = await fromStores(p, opts.first ?? [], listedBy);
  for (const f of first.failures) opts.onStoreFailure?.(f.store, p, f.err);
  if (first.bytes) await opts.cache.put(p.sha256, first.bytes);
  else {
    try {
      await fromMirror(p, where, listedBy, opts);
    } catch (err) {
      // the archive dropped the version (or is unreachable): a store that kept it serves the same bytes
      if (opts.network?.signal?.aborted || (isPithError(err) && err.code === 'CACHE_UNWRITABLE')) throw err;
      const fallback = await fromStores(p, opts.fallback ?? [], listedBy);
      if (!fallback.bytes) throw withMirrorReason(fallback.failures[0]?.err, err);
      await opts.cache.put(p.sha256, fallback.bytes);
    }
    await keepInStores(p, opts);
  }
  opts.onReady?.(p, false);
}

/** Gives the stores asked first a .deb the mirror (or a fallback store) served: read back from the cache. */
async function keepInStores(p: PackageRecord, opts: FetchDebsOptions): Promise<void> {
  const stores = (opts.first ?? []).filter((s) => s.keep);
  if (stores.length === 0) return;
  const bytes = await opts.cache.get(p.sha256);
  if (!bytes) return;
  for (const store of stores)
    await store.keep!(p, bytes).catch((err: unknown) => opts.onStoreFailure?.(store, p, err));
}

/**
 * The first store's copy that verifies; every store that failed or served other bytes is listed (a refused
 * copy is HASH_MISMATCH naming the store), and the next is asked.
 */
async function fromStores(
  p: PackageRecord,
  stores: readonly PackageStore[],
  listedBy: string,
): Promise<{ bytes?: Buffer; failures: { store: PackageStore; err: unknown }[] }> {
  const failures: { store: PackageStore; err: unknown }[] = [];
  for (const store of stores) {
    try {
      const bytes = await store.fetch(p);
      if (!bytes) continue;
      checkHash(
        bytes,
        { size: p.size, sha256: p.sha256 },
        `${p.name} ${p.version} from ${store.name}`,
        listedBy,
      );
      return { bytes, failures };
    } catch (err) {
      failures.push({ store, err: storeError(p, store, err) });
    }
  }
  return { failures };
}

/** What the fallback stores said, after why the mirror did not serve the package (or the mirror's error alone). */
function withMirrorReason(storeErr: unknown, mirrorErr: unknown): unknown {
  if (!isPithError(storeErr)) return mirrorErr;
  return new PithError(storeErr.kind, storeErr.code, `${messageOf(mirrorErr)}; ${storeErr.message}`, {
    cause: storeErr,
  });
}

/** A store's failure, naming the package and the store (HASH_MISMATCH already names both). */
function storeError(p: PackageRecord, store: PackageStore, err: unknown): unknown {
  if (isPithError(err) && err.code === 'HASH_MISMATCH') return err;
  const at = `${p.name} ${p.version} from ${store.name}`;
  return isPithError(err)
    ? new PithError(err.kind, err.code, `${at}: ${err.message}`, { cause: err })
    : new PithError('io', 'FETCH_FAILED', `${at}: ${messageOf(err)}`, { cause: err });
}

/** Downloads a .deb into the cache, checked against the size and sha256 its index (or lock) lists. */
async function fromMirror(
  p: PackageRecord,
  where: string,
  listedBy: string,
  opts: FetchDebsOptions,
): Promise<void> {
  const placed = await opts.cache.putFile(p.sha256, p.size, async (tmp) => {
    const got = await fetchToFile(p.url, tmp, { maxBytes: p.size, ...opts.network });
    if (got) checkWritten(got, { size: p.size, sha256: p.sha256 }, where, listedBy);
    return got !== undefined;
  });
  if (!placed)
    throw new PithError(
      'io',
      'FETCH_FAILED',
      `${where}: not found on the mirror (the index may be newer than the mirror's pool)`,
    );
}
