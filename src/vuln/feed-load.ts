// Loads the feeds of a scan: paths are read as they are; URLs are fetched with a conditional GET against
// the copy cached from last time (ETag / Last-Modified, kept beside it in the content cache), so an
// unchanged feed costs one round trip. Offline, or when the server cannot be reached, the cached copy is
// used (with a warning naming its age); with no cached copy that is an error. A 404 is an error too.
import { ContentCache, fetchConditional, type NetworkOptions, type Validators } from '../apt-repo/index.ts';
import { messageOf, redactUrl } from '../util/index.ts';
import { vulnError } from './error-codes.ts';
import { addFeedBytes, addFeedPath } from './feed-read.ts';
import { FeedSet } from './feed-set.ts';

export interface LoadFeedsOptions {
  cacheDir: string;
  offline: boolean;
  network?: NetworkOptions;
  /** Told when a cached copy stands in for a URL that could not be fetched. */
  onWarning?: (message: string) => void;
}

/** Every feed, in the order given. */
export async function loadFeeds(sources: readonly string[], opts: LoadFeedsOptions): Promise<FeedSet> {
  const set = new FeedSet();
  for (const source of sources) {
    if (/^https?:\/\//i.test(source)) await loadUrl(set, source, opts);
    else await addFeedPath(set, source);
  }
  return set;
}

interface CachedMeta extends Validators {
  fetchedAt: string;
}

async function loadUrl(set: FeedSet, url: string, opts: LoadFeedsOptions): Promise<void> {
  const name = redactUrl(url);
  const cache = new ContentCache(opts.cacheDir);
  const cached = await cache.getNamed(`feed:${url}`);
  const meta = cached ? await readMeta(cache, url) : undefined;
  const useCache = async (why?: string) => {
    if (!cached) throw vulnError('FEED_NOT_CACHED', `${name}: ${why ?? 'offline'}, and no copy is cached`);
    if (why) opts.onWarning?.(`${name}: ${why}; using the copy cached ${meta?.fetchedAt ?? 'earlier'}`);
    const summary = await addFeedBytes(set, name, cached);
    summary.from = 'cache';
  };
  if (opts.offline) return useCache();
  let answer: Awaited<ReturnType<typeof fetchConditional>>;
  try {
    answer = await fetchConditional(url, cached && meta ? meta : {}, opts.network);
  } catch (err) {
    if ((err as { code?: string }).code === 'ABORTED') throw err;
    return useCache(`cannot be fetched (${messageOf(err)})`);
  }
  if (answer.status === 'absent')
    throw vulnError('FEED_NOT_FOUND', `${name}: the server has no such feed (404)`);
  if (answer.status === 'not-modified') {
    const summary = await addFeedBytes(set, name, cached as Buffer);
    summary.from = 'cache';
    return;
  }
  const summary = await addFeedBytes(set, name, answer.body);
  summary.from = 'network';
  await cache.putNamed(`feed:${url}`, answer.body);
  const fresh: CachedMeta = {
    fetchedAt: new Date().toISOString(),
    ...(answer.etag ? { etag: answer.etag } : {}),
    ...(answer.lastModified ? { lastModified: answer.lastModified } : {}),
  };
  await cache.putNamed(`feed-meta:${url}`, Buffer.from(JSON.stringify(fresh)));
}

async function readMeta(cache: ContentCache, url: string): Promise<CachedMeta | undefined> {
  const bytes = await cache.getNamed(`feed-meta:${url}`);
  try {
    return bytes ? (JSON.parse(bytes.toString('utf8')) as CachedMeta) : undefined;
  } catch {
    return undefined;
  }
}
