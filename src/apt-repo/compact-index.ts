// A verified Packages index in a compact form, made once per index (keyed by the sha256 the signed Release
// lists) and kept in the content cache, so a warm run neither decompresses nor parses the index: a fixed
// 24-byte prefix giving the header's length, a JSON header (the package names with the byte span of each
// name's records, their sorted order, and the Provides map as sorted parallel arrays) and, after it, each
// name's records as one JSON array of field arrays. A cached index is read from its file: the header whole
// (arrays only: JSON.parse of a 65 000-key object cost 120 ms), each name's records only when looked up,
// so the 35 MiB body of trixie's main index never sits in memory. Only the fields pith reads are kept; the
// suite, component and mirror are not (identical indexes, such as two empty ones, share an entry), and are
// given when the entry is read.
import { closeSync, openSync, readSync } from 'node:fs';
import { PithError } from '../util/index.ts';
import type { PackageRecord } from './package-record.ts';
import { type IndexSource, providedNames } from './universe.ts';

/** Bumped whenever the fields kept or their encoding change. */
export const COMPACT_INDEX_VERSION = 2;

/** `PITHIDX2 ` and the header's byte length, zero-padded to 14 digits, and a newline. */
const PREFIX = 24;

/** The fields kept, in their order in a record's array. */
const FIELDS = [
  'name',
  'version',
  'architecture',
  'source',
  'sourceVersion',
  'depends',
  'preDepends',
  'provides',
  'multiArch',
  'essential',
  'priority',
  'filename',
  'size',
  'sha256',
  'installedSize',
  'line',
] as const satisfies readonly (keyof PackageRecord)[];

type Kept = Pick<PackageRecord, (typeof FIELDS)[number]>;

interface Header {
  v: number;
  /** Package names in order of first appearance in the index. */
  names: string[];
  /** Byte offsets (from the end of the header) of each name's records: start, end, start, end… */
  spans: number[];
  /** Indexes into `names`, in the order of the names (for lookups by binary search). */
  sorted: number[];
  /** Virtual names, sorted; `providers[i]` names the packages providing `virtuals[i]`, space-separated. */
  virtuals: string[];
  providers: string[];
}

/** The cache name of an index's compact form. */
export function compactIndexName(sha256: string): string {
  return `pith-packages/v${COMPACT_INDEX_VERSION}/${sha256}`;
}

/**
 * Encodes an index's records as they are parsed (in index order), holding each one only as its JSON row: a cold run
 * never has the whole index's text or its 65 000 record objects in memory at once.
 */
export class CompactIndexWriter {
  /** Each name's records as JSON rows, names in order of first appearance. */
  readonly #rows = new Map<string, string[]>();
  readonly #provides = new Map<string, string[]>();

  add(r: PackageRecord): void {
    const row = JSON.stringify(FIELDS.map((f) => r[f]));
    const rows = this.#rows.get(r.name);
    if (rows) rows.push(row);
    else this.#rows.set(r.name, [row]);
    for (const virtual of providedNames(r)) {
      const list = this.#provides.get(virtual);
      if (!list) this.#provides.set(virtual, [r.name]);
      else if (!list.includes(r.name)) list.push(r.name);
    }
  }

  finish(): Buffer {
    const bodies: Buffer[] = [];
    const names: string[] = [];
    const spans: number[] = [];
    let at = 0;
    for (const [name, rows] of this.#rows) {
      const body = Buffer.from(`[${rows.join(',')}]`);
      names.push(name);
      spans.push(at, at + body.length);
      bodies.push(body);
      at += body.length;
    }
    const sorted = names.map((_, i) => i).sort((a, b) => compare(names[a]!, names[b]!));
    const virtuals = [...this.#provides.keys()].sort(compare);
    const providers = virtuals.map((v) => this.#provides.get(v)!.join(' '));
    const header: Header = { v: COMPACT_INDEX_VERSION, names, spans, sorted, virtuals, providers };
    const json = Buffer.from(JSON.stringify(header));
    const prefix = Buffer.from(`PITHIDX${COMPACT_INDEX_VERSION} ${String(json.length).padStart(14, '0')}\n`);
    return Buffer.concat([prefix, json, ...bodies]);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Byte ranges of an index's body: from its bytes in memory, or from the cache file holding them. */
type Body = (start: number, end: number) => Buffer;

/** Closes the file of a cached index nobody reads any more. */
const closing = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/**
 * Reads a compact index, from its bytes or from the cache file at `path` (only its header now, records as
 * they are looked up): records get `origin` and their download URL under the mirror `base`.
 */
export function readCompactIndex(
  source: Buffer | string,
  origin: string,
  base: string,
  where: string,
): CompactIndex {
  const unreadable = (why: string, cause?: unknown) =>
    new PithError('invalid', 'BAD_COMPACT_INDEX', `${where}: the cached compact index ${why}`, { cause });
  let fd: number | undefined;
  try {
    let read: (at: number, length: number) => Buffer;
    if (typeof source === 'string') {
      const file = openSync(source, 'r');
      fd = file;
      read = (at, length) => {
        const out = Buffer.allocUnsafe(length);
        if (readSync(file, out, 0, length, at) !== length) throw unreadable('is truncated');
        return out;
      };
    } else read = (at, length) => source.subarray(at, at + length);
    const prefix = read(0, PREFIX).toString('latin1');
    const m = /^PITHIDX(\d+) (\d{14})\n$/.exec(prefix);
    if (!m || Number(m[1]) !== COMPACT_INDEX_VERSION) throw unreadable('has another format');
    const length = Number(m[2]);
    const header = JSON.parse(read(PREFIX, length).toString('utf8')) as Header;
    if (
      header.v !== COMPACT_INDEX_VERSION ||
      header.spans.length !== header.names.length * 2 ||
      header.sorted.length !== header.names.length ||
      header.providers.length !== header.virtuals.length
    )
      throw unreadable('has another format');
    const body: Body = (start, end) => read(PREFIX + length + start, end - start);
    const file = typeof source === 'string' ? `; remove ${source} and build again` : '';
    const index = new CompactIndex(body, header, origin, base.replace(/\/+$/, ''), where, file);
    if (fd !== undefined) closing.register(index, fd);
    return index;
  } catch (cause) {
    if (fd !== undefined) closeSync(fd);
    throw cause instanceof PithError ? cause : unreadable('is not readable', cause);
  }
}

export class CompactIndex implements IndexSource {
  readonly #body: Body;
  readonly #header: Header;
  readonly #origin: string;
  readonly #base: string;
  readonly #where: string;
  /** What to do about an unreadable record (remove the cache file), for its error message. */
  readonly #remedy: string;

  constructor(body: Body, header: Header, origin: string, base: string, where: string, remedy: string) {
    this.#body = body;
    this.#header = header;
    this.#origin = origin;
    this.#base = base;
    this.#where = where;
    this.#remedy = remedy;
  }

  named(name: string): readonly PackageRecord[] {
    const { names, sorted, spans } = this.#header;
    const at = search(sorted.length, (i) => compare(names[sorted[i]!]!, name));
    if (at < 0) return [];
    const i = sorted[at]!;
    let rows: unknown[][];
    try {
      rows = JSON.parse(this.#body(spans[2 * i]!, spans[2 * i + 1]!).toString('utf8')) as unknown[][];
    } catch (cause) {
      throw new PithError(
        'invalid',
        'BAD_COMPACT_INDEX',
        `${this.#where}: the cached compact index's records of ${name} are not readable${this.#remedy}`,
        { cause },
      );
    }
    return rows.map((row) => this.#record(row));
  }

  providing(virtual: string): readonly string[] {
    const { virtuals, providers } = this.#header;
    const at = search(virtuals.length, (i) => compare(virtuals[i]!, virtual));
    return at < 0 ? [] : providers[at]!.split(' ');
  }

  names(): Iterable<string> {
    return this.#header.names;
  }

  virtuals(): Iterable<string> {
    return this.#header.virtuals;
  }

  /** Every record, in name order of first appearance. */
  all(): PackageRecord[] {
    return this.#header.names.flatMap((n) => this.named(n));
  }

  #record(row: unknown[]): PackageRecord {
    const kept = Object.fromEntries(FIELDS.map((f, i) => [f, row[i]])) as unknown as Kept;
    return { ...kept, origin: this.#origin, url: `${this.#base}/${kept.filename}` };
  }
}

/** The position whose `cmp` is 0 in a sorted range of `n` (binary search), or -1. */
function search(n: number, cmp: (i: number) => number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = cmp(mid);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
