// A verified Packages index in a compact form, made once per index (keyed by the sha256 the signed Release
// lists) and kept in the content cache, so a warm run neither decompresses nor parses the index. Written as
// the index is parsed, in one pass (compactIndexChunks), so a cold run never holds the index's records:
//   `PITHIDX3\n`, then each record as a JSON array of its kept fields and a newline (the body), in index order;
//   then the header: uint32 (little-endian) arrays, then texts, all over names sorted by JS string order:
//     nameAt (N+1 offsets into nameText), spans (start, end of each name's first record in the body),
//     more (name, start, end of each further record, by name then index order),
//     virtualAt and providerAt (V+1 offsets into virtualText and providerText),
//     nameText, virtualText (the names, concatenated), providerText (each virtual's providers, space-separated);
//   then a 32-byte footer: N, M (further records), V and the three texts' byte lengths as uint32, `PITHEND3`.
// A cached index is read from its file: the header as one buffer (no JS object per name: JSON.parse of a
// 65 000-name header held 30 MiB of heap), each name's records only when looked up. Only the fields pith reads
// are kept; the suite, component and mirror are not (identical indexes, such as two empty ones, share an
// entry), and are given when the entry is read. Hand-written: the layout is what makes a warm lookup cheap.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { PithError } from '../util/index.ts';
import type { PackageRecord } from './package-record.ts';
import { type IndexSource, providedNames } from './universe.ts';

/** Bumped whenever the fields kept or their encoding change. */
export const COMPACT_INDEX_VERSION = 3;

const MAGIC = Buffer.from(`PITHIDX${COMPACT_INDEX_VERSION}\n`);
const END = Buffer.from(`PITHEND${COMPACT_INDEX_VERSION}`);
/** The footer: six uint32 and END. */
const FOOTER = 6 * 4 + END.length;
/** Body bytes gathered before they are handed on. */
const CHUNK = 1 << 20;
/** Offsets are uint32: a body past 4 GiB is refused. */
const MAX_OFFSET = 0xffff_ffff;

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

/** The header, as views into one buffer. */
interface Header {
  nameAt: Uint32Array;
  spans: Uint32Array;
  more: Uint32Array;
  virtualAt: Uint32Array;
  providerAt: Uint32Array;
  nameText: Buffer;
  virtualText: Buffer;
  providerText: Buffer;
}

/** The cache name of an index's compact form. */
export function compactIndexName(sha256: string): string {
  return `pith-packages/v${COMPACT_INDEX_VERSION}/${sha256}`;
}

/**
 * The compact form of an index's records (in index order, in batches as they are parsed), as chunks of about
 * 1 MiB made as the records come: only each name's offsets and the Provides map are kept until the header is
 * written at the end.
 */
export async function* compactIndexChunks(
  batches: AsyncIterable<readonly PackageRecord[]> | Iterable<readonly PackageRecord[]>,
  where: string,
): AsyncIterable<Buffer> {
  const tables = new Tables();
  // rows are written into a buffer at once, so that none outlives its record (strings held until a chunk
  // is full would survive into the old generation, and make V8 grow the young one)
  let chunk = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  let at = 0;
  yield MAGIC;
  const values: unknown[] = new Array(FIELDS.length); // one array for every row: 65 000 rows in trixie main
  for await (const batch of batches) {
    for (const r of batch) {
      for (let i = 0; i < FIELDS.length; i++) values[i] = r[FIELDS[i]!];
      const row = JSON.stringify(values);
      // a UTF-16 unit is at most 3 bytes of UTF-8: a row of this many fits without measuring it first
      if (used + 3 * row.length + 1 > chunk.length) {
        if (used > 0) yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(Math.max(CHUNK, 3 * row.length + 1));
        used = 0;
      }
      const length = chunk.write(row, used);
      if (at + length + 1 > MAX_OFFSET)
        throw new PithError(
          'invalid',
          'LIMIT_EXCEEDED',
          `${where}: the index is over 4 GiB once decompressed`,
        );
      tables.add(r, at, at + length);
      chunk[used + length] = 0x0a;
      used += length + 1;
      at += length + 1;
    }
  }
  if (used > 0) yield chunk.subarray(0, used);
  yield* tables.header();
}

/** What the header needs of the records written so far: each name's rows and who provides what. */
class Tables {
  /** name → its number, in order of first appearance */
  readonly #numbers = new Map<string, number>();
  readonly #names: string[] = [];
  /** each name's first row: start, end */
  readonly #firsts: number[] = [];
  /** further rows: number, start, end */
  readonly #further: number[] = [];
  /** virtual → its providers: one name, or (rarely) several: no array per virtual, as there are 66 000 */
  readonly #provides = new Map<string, string | string[]>();

  add(r: PackageRecord, start: number, end: number): void {
    let n = this.#numbers.get(r.name);
    if (n === undefined) {
      n = this.#names.length;
      this.#names.push(own(r.name));
      this.#numbers.set(this.#names[n]!, n);
      this.#firsts.push(start, end);
    } else this.#further.push(n, start, end);
    const name = this.#names[n]!;
    for (const virtual of providedNames(r)) {
      const list = this.#provides.get(virtual);
      if (list === undefined) this.#provides.set(own(virtual), name);
      else if (typeof list === 'string') {
        if (list !== name) this.#provides.set(virtual, [list, name]); // the key stays the copy made first
      } else if (!list.includes(name)) list.push(name);
    }
  }

  /** The header and footer, over names and virtual names in sorted order. */
  header(): Buffer[] {
    const numbers = this.#numbers;
    const names = [...this.#names].sort(compare);
    const rank = new Map(names.map((name, i) => [numbers.get(name)!, i]));
    const nameText = texts(names);
    const spans = new Uint32Array(names.length * 2);
    names.forEach((name, i) => {
      const n = numbers.get(name)!;
      spans[2 * i] = this.#firsts[2 * n]!;
      spans[2 * i + 1] = this.#firsts[2 * n + 1]!;
    });
    const further = this.#further;
    const triples: number[][] = [];
    for (let i = 0; i < further.length; i += 3)
      triples.push([rank.get(further[i]!)!, further[i + 1]!, further[i + 2]!]);
    triples.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    const more = Uint32Array.from(triples.flat());
    const virtuals = [...this.#provides.keys()].sort(compare);
    const virtualText = texts(virtuals);
    const providerText = texts(
      virtuals.map((v) => {
        const list = this.#provides.get(v)!;
        return typeof list === 'string' ? list : list.join(' ');
      }),
    );
    const footer = Buffer.alloc(FOOTER);
    const counts = [names.length, triples.length, virtuals.length];
    const lengths = [nameText.text.length, virtualText.text.length, providerText.text.length];
    for (const [i, v] of [...counts, ...lengths].entries()) footer.writeUInt32LE(v, 4 * i);
    END.copy(footer, 6 * 4);
    const words = [nameText.at, spans, more, virtualText.at, providerText.at].map((a) =>
      littleEndian(Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
    );
    return [...words, nameText.text, virtualText.text, providerText.text, footer];
  }
}

/** Strings concatenated as UTF-8, with the offset of each and the end. */
function texts(list: readonly string[]): { text: Buffer; at: Uint32Array } {
  const text = Buffer.from(list.join(''));
  const at = new Uint32Array(list.length + 1);
  let offset = 0;
  list.forEach((s, i) => {
    at[i] = offset;
    offset += Buffer.byteLength(s);
  });
  at[list.length] = offset;
  return { text, at };
}

/** uint32 words in the machine's byte order turned to the format's (little-endian), or back: in place. */
function littleEndian(words: Buffer): Buffer {
  return BIG_ENDIAN ? words.swap32() : words;
}

const BIG_ENDIAN = endianness() === 'BE';

/**
 * A copy of a string that does not keep its source alive: a name V8 cut from a piece of the index's text points
 * into that text, and kept for the header it would hold the whole index.
 */
function own(s: string): string {
  return Buffer.from(s).toString();
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
    let size: number;
    if (typeof source === 'string') {
      const file = openSync(source, 'r');
      fd = file;
      size = fstatSync(file).size;
      read = (at, length) => {
        // its own ArrayBuffer: the header's uint32 arrays are views that must start 4-byte aligned
        const out = Buffer.from(new ArrayBuffer(length));
        if (readSync(file, out, 0, length, at) !== length) throw unreadable('is truncated');
        return out;
      };
    } else {
      size = source.length;
      read = (at, length) => Buffer.from(source.subarray(at, at + length));
    }
    if (size < MAGIC.length + FOOTER || !read(0, MAGIC.length).equals(MAGIC))
      throw unreadable('has another format');
    const footer = read(size - FOOTER, FOOTER);
    if (!footer.subarray(6 * 4).equals(END)) throw unreadable('is cut short or has another format');
    const [n, m, v, nameBytes, virtualBytes, providerBytes] = [0, 1, 2, 3, 4, 5].map((i) =>
      footer.readUInt32LE(4 * i),
    ) as [number, number, number, number, number, number];
    const headerBytes = 4 * wordCount(n, m, v) + nameBytes + virtualBytes + providerBytes;
    const bodyEnd = size - FOOTER - headerBytes;
    if (bodyEnd < MAGIC.length) throw unreadable('is cut short or has another format');
    const header = parseHeader(
      read(bodyEnd, headerBytes),
      { n, m, v, nameBytes, virtualBytes },
      bodyEnd - MAGIC.length,
    );
    if (!header) throw unreadable('has a header that does not add up');
    const body: Body = (start, end) => read(MAGIC.length + start, end - start);
    const file = typeof source === 'string' ? `; remove ${source} and build again` : '';
    const index = new CompactIndex(body, header, origin, base.replace(/\/+$/, ''), where, file);
    if (fd !== undefined) closing.register(index, fd);
    return index;
  } catch (cause) {
    if (fd !== undefined) closeSync(fd);
    throw cause instanceof PithError ? cause : unreadable('is not readable', cause);
  }
}

/** The uint32 words of a header with `n` names, `m` further records and `v` virtual names. */
function wordCount(n: number, m: number, v: number): number {
  return n + 1 + 2 * n + 3 * m + 2 * (v + 1);
}

/** The header's views, if its offsets are in order and within their texts and the body; else undefined. */
function parseHeader(
  bytes: Buffer,
  c: { n: number; m: number; v: number; nameBytes: number; virtualBytes: number },
  bodyLength: number,
): Header | undefined {
  littleEndian(bytes.subarray(0, 4 * wordCount(c.n, c.m, c.v)));
  let word = 0;
  const words = (count: number) => {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + 4 * word, count);
    word += count;
    return view;
  };
  const nameAt = words(c.n + 1);
  const spans = words(2 * c.n);
  const more = words(3 * c.m);
  const virtualAt = words(c.v + 1);
  const providerAt = words(c.v + 1);
  const texts = 4 * word;
  const header = {
    nameAt,
    spans,
    more,
    virtualAt,
    providerAt,
    nameText: bytes.subarray(texts, texts + c.nameBytes),
    virtualText: bytes.subarray(texts + c.nameBytes, texts + c.nameBytes + c.virtualBytes),
    providerText: bytes.subarray(texts + c.nameBytes + c.virtualBytes),
  };
  const ordered = (a: Uint32Array, end: number) =>
    a[0] === 0 && a[a.length - 1] === end && a.every((x, i) => i === 0 || x >= a[i - 1]!);
  const inBody = (start: number, end: number) => start < end && end <= bodyLength;
  const ok =
    ordered(nameAt, header.nameText.length) &&
    ordered(virtualAt, header.virtualText.length) &&
    ordered(providerAt, header.providerText.length) &&
    spans.every((x, i) => i % 2 === 1 || inBody(x, spans[i + 1]!)) &&
    more.every((x, i) => (i % 3 === 0 ? x < c.n : i % 3 === 2 || inBody(x, more[i + 1]!)));
  return ok ? header : undefined;
}

export class CompactIndex implements IndexSource {
  readonly #body: Body;
  readonly #header: Header;
  readonly #origin: string;
  readonly #base: string;
  readonly #where: string;
  /** What to do about an unreadable record (remove the cache file), for its error message. */
  readonly #remedy: string;
  /** Sorted name number → spans of its further records (start, end…), made on the first lookup. */
  #further?: Map<number, number[]>;

  constructor(body: Body, header: Header, origin: string, base: string, where: string, remedy: string) {
    this.#body = body;
    this.#header = header;
    this.#origin = origin;
    this.#base = base;
    this.#where = where;
    this.#remedy = remedy;
  }

  named(name: string): readonly PackageRecord[] {
    const { nameAt, nameText, spans } = this.#header;
    const i = search(nameAt.length - 1, (k) => compare(textAt(nameText, nameAt, k), name));
    if (i < 0) return [];
    const at = [spans[2 * i]!, spans[2 * i + 1]!, ...(this.#furtherOf(i) ?? [])];
    const out: PackageRecord[] = [];
    for (let k = 0; k < at.length; k += 2) out.push(this.#record(name, at[k]!, at[k + 1]!));
    return out;
  }

  #furtherOf(i: number): number[] | undefined {
    if (!this.#further) {
      this.#further = new Map();
      const { more } = this.#header;
      for (let k = 0; k < more.length; k += 3) {
        const list = this.#further.get(more[k]!);
        if (list) list.push(more[k + 1]!, more[k + 2]!);
        else this.#further.set(more[k]!, [more[k + 1]!, more[k + 2]!]);
      }
    }
    return this.#further.get(i);
  }

  providing(virtual: string): readonly string[] {
    const { virtualAt, virtualText, providerAt, providerText } = this.#header;
    const i = search(virtualAt.length - 1, (k) => compare(textAt(virtualText, virtualAt, k), virtual));
    return i < 0 ? [] : textAt(providerText, providerAt, i).split(' ');
  }

  *names(): Iterable<string> {
    const { nameAt, nameText } = this.#header;
    for (let k = 0; k < nameAt.length - 1; k++) yield textAt(nameText, nameAt, k);
  }

  *virtuals(): Iterable<string> {
    const { virtualAt, virtualText } = this.#header;
    for (let k = 0; k < virtualAt.length - 1; k++) yield textAt(virtualText, virtualAt, k);
  }

  /** Every record, by name. */
  all(): PackageRecord[] {
    return [...this.names()].flatMap((n) => this.named(n));
  }

  #record(name: string, start: number, end: number): PackageRecord {
    let row: unknown[];
    try {
      row = JSON.parse(this.#body(start, end).toString('utf8')) as unknown[];
      if (!Array.isArray(row) || row.length !== FIELDS.length || row[0] !== name)
        throw new Error('not a record');
    } catch (cause) {
      throw new PithError(
        'invalid',
        'BAD_COMPACT_INDEX',
        `${this.#where}: the cached compact index's records of ${name} are not readable${this.#remedy}`,
        { cause },
      );
    }
    const kept = Object.fromEntries(FIELDS.map((f, i) => [f, row[i]])) as unknown as Kept;
    return { ...kept, origin: this.#origin, url: `${this.#base}/${kept.filename}` };
  }
}

/** The k-th of the strings concatenated in `text`. */
function textAt(text: Buffer, at: Uint32Array, k: number): string {
  return text.toString('utf8', at[k]!, at[k + 1]!);
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
