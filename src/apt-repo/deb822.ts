// deb822 control-file syntax (Debian Policy §5.1) as dpkg and apt read it: Packages, Release, status,
// .sources. Invariants: one pass over the text with indexOf (no per-line regex); field names are matched
// case-insensitively but keep their spelling; a value is its trimmed first line plus each continuation
// line minus its one leading blank, joined by '\n' (' .' is an empty line); whitespace-only lines
// separate stanzas; a trailing '\r' on any line is dropped. PGP-signed (InRelease) text is not handled.
import { PithError } from '../util/index.ts';

/** One stanza (paragraph) of a deb822 file. */
export interface Stanza {
  /** Fields in file order, keyed by their original spelling. */
  readonly fields: ReadonlyMap<string, string>;
  /** 1-based line number of the stanza's first field. */
  readonly line: number;
  /** The value of a field, looked up case-insensitively. */
  get(name: string): string | undefined;
}

/** Options for {@link parseDeb822}. */
export interface Deb822Options {
  /** Name used in error messages (a file name or URL); default 'deb822'. */
  where?: string;
  /** Skip lines starting with '#' (apt's .sources files); otherwise such a line is an error. */
  comments?: boolean;
  /** The number of the text's first line (default 1): for a piece of a larger file, parsed as it streams. */
  firstLine?: number;
}

/** One lower-cased field name within one parse; `stamp` marks the last stanza that used it. */
interface FieldKey {
  readonly lower: string;
  stamp: number;
}

/** One spelling of a field name within one parse, e.g. 'Package' (its key is 'package'). */
interface Spelling {
  readonly name: string;
  readonly key: FieldKey;
}

/** Field names seen during one parse, shared by its stanzas so that no stanza needs its own index. */
class Vocabulary {
  readonly spellings = new Map<string, Spelling>();
  readonly keys = new Map<string, FieldKey>();

  /** The spelling for a field name, validated the first time it is seen. */
  spelling(raw: string, where: string, lineNo: number): Spelling {
    const hit = this.spellings.get(raw);
    if (hit !== undefined) return hit;
    if (raw === '' || !onlyNameChars(raw)) throw bad(where, lineNo, `bad field name '${raw}'`);
    const lower = raw.toLowerCase();
    let key = this.keys.get(lower);
    if (key === undefined) {
      key = { lower, stamp: -1 };
      this.keys.set(lower, key);
    }
    const entry = { name: raw, key };
    this.spellings.set(raw, entry);
    return entry;
  }
}

class StanzaImpl implements Stanza {
  readonly line: number;
  readonly vocab: Vocabulary;
  readonly names: Spelling[] = [];
  readonly values: string[] = [];
  #fields: Map<string, string> | undefined;
  constructor(vocab: Vocabulary, line: number) {
    this.vocab = vocab;
    this.line = line;
  }
  get fields(): ReadonlyMap<string, string> {
    this.#fields ??= new Map(this.names.map((n, i) => [n.name, this.values[i]!]));
    return this.#fields;
  }
  get(name: string): string | undefined {
    const key = this.vocab.keys.get(name) ?? this.vocab.keys.get(name.toLowerCase());
    if (key === undefined) return undefined;
    for (let i = 0; i < this.names.length; i++) if (this.names[i]!.key === key) return this.values[i];
    return undefined;
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const isBlank = (c: number): boolean => c === SPACE || c === TAB;

function bad(where: string, line: number, why: string): PithError {
  return new PithError('invalid', 'BAD_DEB822', `${where}:${line}: ${why}`, { details: { where, line } });
}

/** Whether text[from, to) holds only spaces and tabs. */
function onlyBlanks(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlank(text.charCodeAt(i))) return false;
  return true;
}

/** Field names: printable US-ASCII except ':' and space, not starting with '-' or '#' (Policy §5.1). */
function onlyNameChars(name: string): boolean {
  const first = name.charCodeAt(0);
  if (first === 0x2d || first === 0x23) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= SPACE || c >= 0x7f) return false;
  }
  return true;
}

function excerpt(text: string, from: number, to: number): string {
  const s = text.slice(from, Math.min(to, from + 40));
  return JSON.stringify(to - from > 40 ? `${s}…` : s);
}

/** Reading state: the open stanza and whether its last value grew by continuation lines. */
class Reader {
  readonly text: string;
  readonly where: string;
  readonly vocab = new Vocabulary();
  readonly out: Stanza[] = [];
  stanza: StanzaImpl | undefined;
  serial = 0;
  folded = false;
  constructor(text: string, where: string) {
    this.text = text;
    this.where = where;
  }

  /** Finishes the last value: a folded value loses its trailing whitespace (as in dpkg). */
  private settle(): void {
    if (!this.folded || this.stanza === undefined) return;
    const v = this.stanza.values;
    v[v.length - 1] = v[v.length - 1]!.replace(/\s+$/, '');
    this.folded = false;
  }

  endStanza(): void {
    if (this.stanza === undefined) return;
    this.settle();
    this.out.push(this.stanza);
    this.stanza = undefined;
  }

  /** Parses `Name: value` in text[from, to). */
  field(from: number, to: number, lineNo: number): void {
    const text = this.text;
    const colon = text.indexOf(':', from);
    if (colon < 0 || colon >= to) {
      throw bad(this.where, lineNo, `line has no ':' (${excerpt(text, from, to)})`);
    }
    let nameEnd = colon;
    while (nameEnd > from && isBlank(text.charCodeAt(nameEnd - 1))) nameEnd--;
    const spelling = this.vocab.spelling(text.slice(from, nameEnd), this.where, lineNo);
    let vs = colon + 1;
    while (vs < to && isBlank(text.charCodeAt(vs))) vs++;
    let ve = to;
    while (ve > vs && isBlank(text.charCodeAt(ve - 1))) ve--;
    this.settle();
    if (this.stanza === undefined) {
      this.stanza = new StanzaImpl(this.vocab, lineNo);
      this.serial++;
    }
    if (spelling.key.stamp === this.serial) {
      throw bad(this.where, lineNo, `duplicate field '${spelling.name}'`);
    }
    spelling.key.stamp = this.serial;
    this.stanza.names.push(spelling);
    this.stanza.values.push(text.slice(vs, ve));
  }

  /** Appends a continuation line text[from, to) (which starts with its one leading blank). */
  continuation(from: number, to: number, lineNo: number): void {
    if (this.stanza === undefined) throw bad(this.where, lineNo, 'continuation line outside a field');
    const dot = to === from + 2 && this.text.charCodeAt(from + 1) === 0x2e;
    const v = this.stanza.values;
    v[v.length - 1] += dot ? '\n' : `\n${this.text.slice(from + 1, to)}`;
    this.folded = true;
  }
}

/**
 * Parses deb822 text into stanzas. Throws PithError('invalid', 'BAD_DEB822', `where:line: …`) for a
 * continuation line before any field, a line without ':', a bad field name, a duplicate field within
 * one stanza (names compared case-insensitively), or a '#' line when `comments` is off.
 */
export function parseDeb822(text: string, opts: Deb822Options = {}): Stanza[] {
  const r = new Reader(text, opts.where ?? 'deb822');
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = (opts.firstLine ?? 1) - 1;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = len;
    lineNo++;
    const end = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    const c = text.charCodeAt(pos);
    if (end === pos || (isBlank(c) && onlyBlanks(text, pos + 1, end))) r.endStanza();
    else if (isBlank(c)) r.continuation(pos, end, lineNo);
    else if (c !== 0x23) r.field(pos, end, lineNo);
    else if (!opts.comments) throw bad(r.where, lineNo, 'comment lines are not allowed here');
    pos = nl + 1;
  }
  r.endStanza();
  return r.out;
}

/**
 * A stream of deb822 text cut into pieces that each end after an empty line (where a stanza always ends),
 * the last piece holding the rest: pieces parse alone, with `firstLine`, as the text streams. Chunks are
 * joined only when a cut is found, so text without empty lines (CRLF line ends) is joined once.
 */
export async function* stanzaPieces(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let parts: Buffer[] = [];
  let tail: number | undefined;
  for await (const c of chunks) {
    const pair = c.lastIndexOf('\n\n');
    // the empty line may start in the chunk before this one
    const end = pair >= 0 ? pair + 2 : tail === 0x0a && c[0] === 0x0a ? 1 : -1;
    if (end < 0) {
      parts.push(c);
      tail = c.at(-1) ?? tail;
      continue;
    }
    yield Buffer.concat([...parts, c.subarray(0, end)]);
    parts = end < c.length ? [c.subarray(end)] : [];
    tail = parts.length ? c.at(-1) : undefined;
  }
  if (parts.length) yield Buffer.concat(parts);
}
