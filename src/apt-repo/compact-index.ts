// A verified Packages index in a compact form, made once per index (keyed by the sha256 the signed Release
// lists) and kept in the content cache, so a warm run neither decompresses nor parses the index: a JSON
// header (the package names, each with the byte span of its records, and the Provides map) and, after it,
// each name's records as one JSON array of field arrays, parsed only when that name is looked up. Only the
// fields pith reads are kept; the suite, component and mirror are not (identical indexes, such as two
// empty ones, share an entry), and are given when the entry is read.
import { PithError } from '../util/index.ts';
import type { PackageRecord } from './package-record.ts';
import { type IndexSource, providedNames } from './universe.ts';

/** Bumped whenever the fields kept or their encoding change. */
export const COMPACT_INDEX_VERSION = 1;

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
  names: string[];
  /** Byte offsets (from the end of the header line) of each name's records: start, end, start, end… */
  spans: number[];
  /** virtual name → names of the packages providing it. */
  provides: Record<string, string[]>;
}

/** The cache name of an index's compact form. */
export function compactIndexName(sha256: string): string {
  return `pith-packages/v${COMPACT_INDEX_VERSION}/${sha256}`;
}

/** Encodes an index's records (in index order). */
export function writeCompactIndex(records: readonly PackageRecord[]): Buffer {
  const groups = new Map<string, PackageRecord[]>();
  for (const r of records) {
    const g = groups.get(r.name);
    if (g) g.push(r);
    else groups.set(r.name, [r]);
  }
  const provides: Record<string, string[]> = Object.create(null);
  const bodies: Buffer[] = [];
  const names: string[] = [];
  const spans: number[] = [];
  let at = 0;
  for (const [name, group] of groups) {
    const body = Buffer.from(JSON.stringify(group.map((r) => FIELDS.map((f) => r[f]))));
    names.push(name);
    spans.push(at, at + body.length);
    bodies.push(body);
    at += body.length;
    for (const r of group)
      for (const virtual of providedNames(r)) {
        const list = provides[virtual];
        if (!list) provides[virtual] = [name];
        else if (!list.includes(name)) list.push(name);
      }
  }
  const header: Header = { v: COMPACT_INDEX_VERSION, names, spans, provides };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...bodies]);
}

/** Reads a compact index: records get `origin` and their download URL under the mirror `base`. */
export function readCompactIndex(bytes: Buffer, origin: string, base: string, where: string): CompactIndex {
  const nl = bytes.indexOf(0x0a);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 0, nl)) as Header;
  } catch (cause) {
    throw new PithError(
      'invalid',
      'BAD_COMPACT_INDEX',
      `${where}: the cached compact index is not readable`,
      { cause },
    );
  }
  if (header.v !== COMPACT_INDEX_VERSION || header.spans.length !== header.names.length * 2)
    throw new PithError(
      'invalid',
      'BAD_COMPACT_INDEX',
      `${where}: the cached compact index has another format`,
    );
  return new CompactIndex(bytes.subarray(nl + 1), header, origin, base.replace(/\/+$/, ''));
}

export class CompactIndex implements IndexSource {
  readonly #body: Buffer;
  readonly #header: Header;
  readonly #origin: string;
  readonly #base: string;
  readonly #slot: Map<string, number>;

  constructor(body: Buffer, header: Header, origin: string, base: string) {
    this.#body = body;
    this.#header = header;
    this.#origin = origin;
    this.#base = base;
    this.#slot = new Map(header.names.map((n, i) => [n, i]));
  }

  named(name: string): readonly PackageRecord[] {
    const i = this.#slot.get(name);
    if (i === undefined) return [];
    const [start, end] = [this.#header.spans[2 * i]!, this.#header.spans[2 * i + 1]!];
    const rows = JSON.parse(this.#body.toString('utf8', start, end)) as unknown[][];
    return rows.map((row) => this.#record(row));
  }

  providing(virtual: string): readonly string[] {
    return Object.hasOwn(this.#header.provides, virtual) ? this.#header.provides[virtual]! : [];
  }

  names(): Iterable<string> {
    return this.#header.names;
  }

  virtuals(): Iterable<string> {
    return Object.keys(this.#header.provides);
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
