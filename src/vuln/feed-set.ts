// The feeds a scan matches against, loaded: Debian tracker documents, and OSV records indexed by package
// (ecosystem without release, and name), each remembering the feed it came from.
import { type OsvAffected, type OsvRecord, osvPackageKey } from './osv-record.ts';
import type { TrackerFeed } from './tracker-feed.ts';

/** One OSV affected entry with its record and feed. */
export interface OsvHit {
  record: OsvRecord;
  affected: OsvAffected;
  feed: string;
}

/** What was loaded from one feed. */
export interface FeedSummary {
  /** Path or URL (credentials removed). */
  name: string;
  format: 'debian-tracker' | 'osv';
  /** Tracker: source packages; OSV: records. */
  entries: number;
  /** For a URL: whether this copy came from the network or the cache. */
  from?: 'network' | 'cache';
}

export class FeedSet {
  readonly trackers: TrackerFeed[] = [];
  readonly summaries: FeedSummary[] = [];
  readonly #osv = new Map<string, OsvHit[]>();

  addTracker(feed: TrackerFeed): void {
    this.trackers.push(feed);
  }

  addOsv(feed: string, record: OsvRecord): void {
    for (const affected of record.affected) {
      const key = osvPackageKey(affected.ecosystem, affected.name);
      const list = this.#osv.get(key);
      if (list) list.push({ record, affected, feed });
      else this.#osv.set(key, [{ record, affected, feed }]);
    }
  }

  /** OSV entries for a package of an ecosystem (`Debian`, `npm`, `PyPI`). */
  osvFor(ecosystem: string, name: string): OsvHit[] {
    return this.#osv.get(osvPackageKey(ecosystem, name)) ?? [];
  }

  get empty(): boolean {
    return this.trackers.length === 0 && this.#osv.size === 0;
  }
}
