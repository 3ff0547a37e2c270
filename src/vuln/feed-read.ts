// Reads a feed's bytes or path into a FeedSet, the format detected from the content: gzip is inflated
// first; a zip is an OSV export; JSON is the Debian tracker (package → CVE → releases), one OSV record, or
// an array of them; a directory holds OSV records (`*.json`, and zip exports) at any depth. Sizes, counts
// and depth are bounded, as for any input from elsewhere.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fromSystemError, PithError, readUserFile } from '../util/index.ts';
import { zipEntries } from '../zip/index.ts';
import { vulnError } from './error-codes.ts';
import type { FeedSet, FeedSummary } from './feed-set.ts';
import { looksLikeOsv, readOsvRecord } from './osv-record.ts';
import { looksLikeTracker, readTrackerFeed } from './tracker-feed.ts';

export const FEED_LIMITS = {
  /** A JSON document, inflated. */
  documentBytes: 2 * 2 ** 30 - 1,
  /** Files under a feed directory. */
  files: 2_000_000,
  depth: 16,
};

const GZIP = Buffer.from([0x1f, 0x8b]);
const ZIP = Buffer.from('PK\x03\x04', 'latin1');

/** Adds a feed given as bytes (a downloaded URL, a file's content). */
export async function addFeedBytes(set: FeedSet, name: string, bytes: Buffer): Promise<FeedSummary> {
  let data = bytes;
  if (data.subarray(0, 2).equals(GZIP)) data = inflate(name, data);
  if (data.subarray(0, 4).equals(ZIP)) return addZip(set, name, data);
  return addJson(set, name, data);
}

/** Adds a feed file or directory. */
export async function addFeedPath(set: FeedSet, path: string): Promise<FeedSummary> {
  const info = await stat(path).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new PithError('input', 'NO_SUCH_FILE', `feed ${path}: no such file or directory`, { cause: err });
    throw fromSystemError(err, { action: `read feed ${path}` }) ?? err;
  });
  if (!info.isDirectory()) return addFeedBytes(set, path, await readFeedFile(path));
  let entries = 0;
  for await (const file of feedFiles(path, path, 0, { count: 0 })) {
    if (file.endsWith('.zip')) entries += (await addZip(set, file, file, true)).entries;
    else entries += addJson(set, file, await readFeedFile(file), true).entries;
  }
  const summary: FeedSummary = { name: path, format: 'osv', entries };
  set.summaries.push(summary);
  return summary;
}

async function* feedFiles(
  root: string,
  dir: string,
  depth: number,
  seen: { count: number },
): AsyncGenerator<string> {
  if (depth > FEED_LIMITS.depth)
    throw vulnError('FEED_TOO_LARGE', `${root}: directories nested deeper than ${FEED_LIMITS.depth}`);
  const names = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const d of names) {
    const p = join(dir, d.name);
    if (d.isDirectory()) yield* feedFiles(root, p, depth + 1, seen);
    else if (d.isFile() && (d.name.endsWith('.json') || d.name.endsWith('.zip'))) {
      if (++seen.count > FEED_LIMITS.files)
        throw vulnError('FEED_TOO_LARGE', `${root}: more than ${FEED_LIMITS.files} files`);
      yield p;
    }
  }
}

function readFeedFile(path: string): Promise<Buffer> {
  return readUserFile(path, FEED_LIMITS.documentBytes, 'feed');
}

function inflate(name: string, data: Buffer): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: FEED_LIMITS.documentBytes });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw vulnError('FEED_TOO_LARGE', `${name}: inflates to more than ${FEED_LIMITS.documentBytes} bytes`);
    throw vulnError('FEED_INVALID', `${name}: broken gzip data (${(err as Error).message})`, { cause: err });
  }
}

/** A zip export's limits: osv.dev's largest (all ecosystems) is some 400,000 records. */
const ZIP_LIMITS = { entries: 2_000_000, entryBytes: 64 << 20, totalBytes: 8 * 2 ** 30 };

async function addZip(
  set: FeedSet,
  name: string,
  source: Buffer | string,
  inDir = false,
): Promise<FeedSummary> {
  let entries = 0;
  const want = (file: string) => file.endsWith('.json');
  for await (const { entry, bytes } of zipEntries(source, { name, want, limits: ZIP_LIMITS })) {
    const record = readOsvRecord(`${name}!${entry}`, parseJson(`${name}!${entry}`, bytes));
    if (record) set.addOsv(name, record);
    entries++;
  }
  const summary: FeedSummary = { name, format: 'osv', entries };
  if (!inDir) set.summaries.push(summary);
  return summary;
}

function addJson(set: FeedSet, name: string, data: Buffer, inDir = false): FeedSummary {
  const json = parseJson(name, data);
  let summary: FeedSummary;
  if (Array.isArray(json) && json.every(looksLikeOsv)) {
    for (const [i, item] of json.entries()) {
      const record = readOsvRecord(`${name}[${i}]`, item);
      if (record) set.addOsv(name, record);
    }
    summary = { name, format: 'osv', entries: json.length };
  } else if (looksLikeOsv(json)) {
    const record = readOsvRecord(name, json);
    if (record) set.addOsv(name, record);
    summary = { name, format: 'osv', entries: 1 };
  } else if (!inDir && looksLikeTracker(json)) {
    const feed = readTrackerFeed(name, json);
    set.addTracker(feed);
    summary = { name, format: 'debian-tracker', entries: feed.bySource.size };
  } else
    throw vulnError(
      'FEED_FORMAT_UNKNOWN',
      `${name}: neither the Debian security tracker JSON nor OSV records (an OSV record needs id and modified)`,
    );
  if (!inDir) set.summaries.push(summary);
  return summary;
}

function parseJson(name: string, data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw vulnError('FEED_FORMAT_UNKNOWN', `${name}: not JSON, gzip or zip (${(err as Error).message})`, {
      cause: err,
    });
  }
}
