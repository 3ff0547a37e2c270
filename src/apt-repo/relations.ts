// The relationship-field grammar of Debian Policy §7.1 (Depends, Pre-Depends, Provides, Build-Depends…):
// `name[:arch] [(op version)] [[arch list]] [<profiles>]…`, alternatives joined by '|', entries by ','.
// Invariants: whitespace (including newlines of folded fields) is allowed between tokens but never inside
// a name, operator or version; '<' / '>' are normalised to '<=' / '>='; an operator-less `(1.0)` means
// '=' (dpkg and apt accept it); versions must parse as dpkg versions; one trailing ',' is tolerated
// like Dpkg::Deps; every syntax error names the offending fragment.
import { messageOf, PithError } from '../util/index.ts';
import type { ArchRestriction } from './arch.ts';
import { normaliseOp, parseVersion, type VersionOp } from './version.ts';

/** One package relation, e.g. `libc6:any (>= 2.36) [amd64] <!nocheck>`. */
export interface Relation {
  name: string;
  /** The qualifier after `name:` without the colon: 'any', 'native' or an architecture. */
  arch?: string;
  op?: VersionOp;
  version?: string;
  archs?: ArchRestriction;
  /** `<!nocheck> <stage1 cross>` → [['!nocheck'], ['stage1', 'cross']] (outer: or, inner: and). */
  profiles?: string[][];
}

/** A set of alternatives (`a | b | c`); one of them must be satisfied. */
export type Alternatives = Relation[];

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;
const ARCH_RE = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const PROFILE_RE = /^!?[a-z0-9][a-z0-9.+-]*$/;
const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

function fail(where: string, fragment: string, why: string, cause?: unknown): PithError {
  const at = fragment.trim().replace(/\s+/g, ' ');
  return new PithError('invalid', 'BAD_RELATION', `${where}: ${why} in '${at}'`, {
    cause,
    details: { fragment: at },
  });
}

/** A cursor over one relation's text. */
class Cursor {
  readonly text: string;
  pos = 0;
  constructor(text: string) {
    this.text = text;
  }
  skipSpace(): void {
    while (isSpace(this.text[this.pos])) this.pos++;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  /** Reads characters up to whitespace or any of `stops`. */
  word(stops: string): string {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (isSpace(c) || stops.includes(c)) break;
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }
  /** Reads up to the closing `close` character, consuming it; undefined when unterminated. */
  until(close: string): string | undefined {
    const end = this.text.indexOf(close, this.pos);
    if (end < 0) return undefined;
    const inner = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return inner;
  }
}

function parseVersionPart(cur: Cursor, where: string, text: string): { op: VersionOp; version: string } {
  const inner = cur.until(')');
  if (inner === undefined) throw fail(where, text, "unterminated '('");
  const m = /^\s*([<>=]*)\s*([^\s()]*)\s*$/.exec(inner);
  if (!m) throw fail(where, text, 'bad version restriction');
  const op = normaliseOp(m[1] || '=');
  if (op === undefined) throw fail(where, text, `bad operator '${m[1]}'`);
  if (m[2] === '') throw fail(where, text, 'missing version');
  try {
    parseVersion(m[2]!);
  } catch (err) {
    throw fail(where, text, messageOf(err), err);
  }
  return { op, version: m[2]! };
}

function parseArchList(cur: Cursor, where: string, text: string): ArchRestriction {
  const inner = cur.until(']');
  if (inner === undefined) throw fail(where, text, "unterminated '['");
  const words = inner.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw fail(where, text, 'empty architecture list');
  const negated = words[0]!.startsWith('!');
  const list = words.map((w) => {
    if (w.startsWith('!') !== negated) throw fail(where, text, 'mixed negated and plain architectures');
    const name = negated ? w.slice(1) : w;
    if (!ARCH_RE.test(name)) throw fail(where, text, `bad architecture '${w}'`);
    return name;
  });
  return { negated, list };
}

function parseProfileGroup(cur: Cursor, where: string, text: string): string[] {
  const inner = cur.until('>');
  if (inner === undefined) throw fail(where, text, "unterminated '<'");
  const terms = inner.split(/\s+/).filter((w) => w !== '');
  if (terms.length === 0) throw fail(where, text, 'empty build profile');
  for (const t of terms) if (!PROFILE_RE.test(t)) throw fail(where, text, `bad build profile '${t}'`);
  return terms;
}

/** Parses one relation (no '|' or ','), e.g. `foo:any (>= 1.0) [amd64] <!nocheck>`. */
function parseOne(text: string, where: string): Relation {
  const cur = new Cursor(text);
  cur.skipSpace();
  const name = cur.word(':([<');
  if (name === '') throw fail(where, text, 'missing package name');
  if (!NAME_RE.test(name)) throw fail(where, text, `bad package name '${name}'`);
  const rel: Relation = { name };
  if (cur.peek() === ':') {
    cur.pos++;
    const arch = cur.word('([<');
    if (!ARCH_RE.test(arch)) throw fail(where, text, `bad architecture qualifier '${arch}'`);
    rel.arch = arch;
  }
  cur.skipSpace();
  if (cur.peek() === '(') {
    cur.pos++;
    Object.assign(rel, parseVersionPart(cur, where, text));
    cur.skipSpace();
  }
  if (cur.peek() === '[') {
    cur.pos++;
    rel.archs = parseArchList(cur, where, text);
    cur.skipSpace();
  }
  while (cur.peek() === '<') {
    cur.pos++;
    rel.profiles = [...(rel.profiles ?? []), parseProfileGroup(cur, where, text)];
    cur.skipSpace();
  }
  if (cur.pos < text.length) throw fail(where, text, `unexpected '${text.slice(cur.pos).trim()}'`);
  return rel;
}

/**
 * Parses a relationship field into entries of alternatives: `a (>= 1), b | c:any, d [amd64]`.
 * An empty (or blank) field gives []. Throws PithError('invalid', 'BAD_RELATION') naming the fragment.
 */
export function parseRelations(field: string, where = 'relationship field'): Alternatives[] {
  const entries = field.split(',');
  // Dpkg::Deps splits on ',' and ignores trailing empty entries ("a, b,").
  while (entries.length > 0 && entries[entries.length - 1]!.trim() === '') entries.pop();
  return entries.map((entry) => {
    if (entry.trim() === '') throw fail(where, field, 'empty entry');
    return entry.split('|').map((alt) => {
      if (alt.trim() === '') throw fail(where, entry, 'empty alternative');
      return parseOne(alt, where);
    });
  });
}

/** Formats a relation in the canonical spacing used by Debian control files. */
export function formatRelation(r: Relation): string {
  let out = r.arch === undefined ? r.name : `${r.name}:${r.arch}`;
  if (r.op !== undefined && r.version !== undefined) out += ` (${r.op} ${r.version})`;
  if (r.archs) out += ` [${r.archs.list.map((a) => (r.archs!.negated ? `!${a}` : a)).join(' ')}]`;
  for (const group of r.profiles ?? []) out += ` <${group.join(' ')}>`;
  return out;
}

/**
 * Parses a Provides field: `foo (= 1.0), bar`. Only '=' versions are allowed, and no alternatives,
 * architecture qualifiers or restrictions (dpkg/Policy §7.5).
 */
export function parseProvides(field: string, where = 'Provides'): { name: string; version?: string }[] {
  return parseRelations(field, where).map((alts) => {
    // the entry as text only for a message: a cold index parse reads 66 000 Provides entries
    const text = () => alts.map(formatRelation).join(' | ');
    if (alts.length !== 1) throw fail(where, text(), "alternatives ('|') are not allowed in Provides");
    const r = alts[0]!;
    if (r.op !== undefined && r.op !== '=') throw fail(where, text(), "only '=' is allowed in Provides");
    if (r.arch !== undefined || r.archs || r.profiles) {
      throw fail(where, text(), 'qualifiers and restrictions are not allowed in Provides');
    }
    return r.version === undefined ? { name: r.name } : { name: r.name, version: r.version };
  });
}
