// Downloads the .deb files of resolved packages: a few at a time, each checked against the size and
// sha256 of the signed Packages index before it is cached or used; the cache answers first, and offline
// mode uses only the cache. Concurrent builds may share the cache (see util/content-cache.ts).
import { type ContentCache, forEachBounded, PithError } from '../util/index.ts';
import { fetchBytes, type NetworkOptions } from './http.ts';
import type { PackageRecord } from './package-record.ts';
import { checkHash } from './suite-client.ts';

export interface FetchDebsOptions {
  cache: ContentCache;
  offline?: boolean;
  /** Downloads at once (default 4). */
  concurrency?: number;
  /** Idle timeout and cancel signal of every download. */
  network?: NetworkOptions;
  /** Called as each package is ready. */
  onReady?: (pkg: PackageRecord, fromCache: boolean) => void;
}

/** The verified bytes of each package's .deb, keyed by sha256. */
export async function fetchDebs(
  pkgs: readonly PackageRecord[],
  opts: FetchDebsOptions,
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const unique = [...new Map(pkgs.map((p) => [p.sha256, p])).values()];
  await forEachBounded(
    unique,
    opts.concurrency ?? 4,
    async (p) => {
      out.set(p.sha256, await fetchDeb(p, opts));
    },
    opts.network?.signal,
  );
  return out;
}

async function fetchDeb(p: PackageRecord, opts: FetchDebsOptions): Promise<Buffer> {
  const cached = await opts.cache.get(p.sha256);
  if (cached) {
    opts.onReady?.(p, true);
    return cached;
  }
  const where = `${p.name} ${p.version} (${p.url})`;
  if (opts.offline)
    throw new PithError('input', 'OFFLINE', `${where}: not in the cache and offline mode is on`);
  const bytes = await fetchBytes(p.url, { maxBytes: p.size, ...opts.network });
  if (!bytes)
    throw new PithError(
      'io',
      'FETCH_FAILED',
      `${where}: not found on the mirror (the index may be newer than the mirror's pool)`,
    );
  checkHash(
    bytes,
    { size: p.size, sha256: p.sha256 },
    where,
    p.line ? `the verified ${p.origin} index` : 'pith.lock.json',
  );
  await opts.cache.put(p.sha256, bytes);
  opts.onReady?.(p, false);
  return bytes;
}
