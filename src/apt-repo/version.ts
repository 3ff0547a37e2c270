// Debian package versions ([epoch:]upstream[-revision]) parsed and ordered exactly as dpkg does
// (lib/dpkg/parsehelp.c parseversion, lib/dpkg/version.c verrevcmp). Invariants: what dpkg rejects with
// an error we throw for; what dpkg only warns about we accept unless `strict`; digit runs are compared
// as digit strings (no Number overflow); non-ASCII text is ordered by its UTF-8 bytes like dpkg's C code.
import { PithError } from '../util/index.ts';

/** A parsed Debian version; `revision` is '' when absent (which orders like '0'). */
export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** A version relation operator as written in relationship fields (after normalisation). */
export type VersionOp = '<<' | '<=' | '=' | '>=' | '>>';

/** Options for {@link parseVersion}. */
export interface ParseVersionOptions {
  /** Also reject what dpkg only warns about (non-digit start, characters outside the allowed sets). */
  strict?: boolean;
}

const INT_MAX = 2147483647;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function bad(text: string, why: string): PithError {
  return new PithError('invalid', 'BAD_VERSION', `version '${text}' has bad syntax: ${why}`, {
    details: { version: text },
  });
}

/** Strips leading/trailing blanks (space, tab) and rejects embedded ones, as dpkg does. */
function trimVersion(text: string): string {
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  if (start === text.length) throw bad(text, 'version string is empty');
  let end = start;
  while (end < text.length && !isBlank(text.charCodeAt(end))) end++;
  for (let i = end; i < text.length; i++) {
    if (!isBlank(text.charCodeAt(i))) throw bad(text, 'version string has embedded spaces');
  }
  return text.slice(start, end);
}

/** The epoch before `colon`, with C strtol's rules (leading space, optional sign, decimal digits). */
function parseEpoch(text: string, s: string, colon: number): number {
  let i = 0;
  while (i < colon && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const digitsStart = i;
  while (i < colon && isDigit(s.charCodeAt(i))) i++;
  if (i === digitsStart) {
    // strtol converted nothing, so its end pointer is the start: dpkg calls that an empty epoch.
    throw bad(text, 'epoch in version is empty');
  }
  if (i !== colon) throw bad(text, 'epoch in version is not number');
  const digits = s.slice(digitsStart, colon).replace(/^0+/, '');
  if (digits === '') return 0;
  if (negative) throw bad(text, 'epoch in version is negative');
  if (digits.length > 10 || Number(digits) > INT_MAX) throw bad(text, 'epoch in version is too big');
  return Number(digits);
}

function checkChars(text: string, part: string, allowed: string, what: string): void {
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (!isDigit(c) && !isAlpha(c) && !allowed.includes(part[i]!)) {
      throw bad(text, `invalid character in ${what} number`);
    }
  }
}

/**
 * Parses a Debian version. Throws PithError('invalid', 'BAD_VERSION') where `dpkg --compare-versions`
 * fails: empty, embedded blanks, bad/negative/too big epoch, nothing after the colon, empty upstream
 * or empty revision (`1.0-`). dpkg's warnings (upstream not starting with a digit, characters outside
 * `[A-Za-z0-9.+~-:]` / `[A-Za-z0-9.+~]`) are accepted unless `opts.strict`.
 */
export function parseVersion(text: string, opts: ParseVersionOptions = {}): DebVersion {
  const s = trimVersion(text);
  const colon = s.indexOf(':');
  const epoch = colon < 0 ? 0 : parseEpoch(text, s, colon);
  const rest = colon < 0 ? s : s.slice(colon + 1);
  if (colon >= 0 && rest === '') throw bad(text, 'nothing after colon in version number');
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen < 0 ? rest : rest.slice(0, hyphen);
  const revision = hyphen < 0 ? '' : rest.slice(hyphen + 1);
  if (hyphen >= 0 && revision === '') throw bad(text, 'revision number is empty');
  if (upstream === '') throw bad(text, 'upstream version is empty');
  if (opts.strict) {
    if (!isDigit(upstream.charCodeAt(0))) throw bad(text, 'version number does not start with digit');
    checkChars(text, upstream, '.-+~:', 'version');
    checkChars(text, revision, '.+~', 'revision');
  }
  return { epoch, upstream, revision };
}

// dpkg's order(): digits 0, letters their code, '~' -1, end of string 0, anything else code + 256.
// Bytes >= 0x80 are negative `char`s in dpkg, so c + 256 gives back the byte value itself.
function order(c: number): number {
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 0x7e) return -1;
  return c >= 0x80 ? c : c + 256;
}

/** Non-ASCII text is compared byte-wise over its UTF-8 encoding (one char per byte). */
function asBytes(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return Buffer.from(s, 'utf8').toString('latin1');
  }
  return s;
}

/** dpkg's verrevcmp over a[i, aEnd) and b[j, bEnd), both ASCII or byte strings. */
function compareRange(a: string, i: number, aEnd: number, b: string, j: number, bEnd: number): number {
  while (i < aEnd || j < bEnd) {
    while ((i < aEnd && !isDigit(a.charCodeAt(i))) || (j < bEnd && !isDigit(b.charCodeAt(j)))) {
      const d = (i < aEnd ? order(a.charCodeAt(i)) : 0) - (j < bEnd ? order(b.charCodeAt(j)) : 0);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (i < aEnd && a.charCodeAt(i) === 0x30) i++;
    while (j < bEnd && b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (i < aEnd && j < bEnd && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < aEnd && isDigit(a.charCodeAt(i))) return 1;
    if (j < bEnd && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** dpkg's verrevcmp over one version part (upstream or revision); returns <0, 0 or >0. */
export function compareVersionPart(left: string, right: string): number {
  const a = asBytes(left);
  const b = asBytes(right);
  return compareRange(a, 0, a.length, b, 0, b.length);
}

/** Compares two parsed versions: epoch, then upstream, then revision. */
export function compareParsedVersions(a: DebVersion, b: DebVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return compareVersionPart(a.upstream, b.upstream) || compareVersionPart(a.revision, b.revision);
}

/** Where the parts of a version string lie, for comparing without copying. */
class Spans {
  epoch = 0;
  upStart = 0;
  upEnd = 0;
  revStart = 0;
}
const SPANS_A = new Spans();
const SPANS_B = new Spans();

/**
 * Fills `out` for the common case: printable ASCII without blanks, an all-digit epoch of at most 9
 * digits, non-empty upstream and revision. Returns false whenever parseVersion must decide instead.
 */
function locate(s: string, out: Spans): boolean {
  const n = s.length;
  let colon = -1;
  let hyphen = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
    if (c === 0x3a) colon = colon < 0 ? i : colon;
    else if (c === 0x2d) hyphen = i;
  }
  let epoch = 0;
  if (colon >= 0) {
    if (colon === 0 || colon > 9) return false;
    for (let i = 0; i < colon; i++) {
      const d = s.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return false;
      epoch = epoch * 10 + d;
    }
  }
  const upEnd = hyphen < 0 ? n : hyphen;
  if (upEnd === colon + 1 || hyphen === n - 1) return false;
  out.epoch = epoch;
  out.upStart = colon + 1;
  out.upEnd = upEnd;
  out.revStart = hyphen < 0 ? n : hyphen + 1;
  return true;
}

/** Compares two version strings as `dpkg --compare-versions` does; throws BAD_VERSION if either is bad. */
export function compareVersions(a: string, b: string): number {
  if (!locate(a, SPANS_A) || !locate(b, SPANS_B)) {
    return compareParsedVersions(parseVersion(a), parseVersion(b));
  }
  const x = SPANS_A;
  const y = SPANS_B;
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return (
    compareRange(a, x.upStart, x.upEnd, b, y.upStart, y.upEnd) ||
    compareRange(a, x.revStart, a.length, b, y.revStart, b.length)
  );
}

/** Normalises an operator; the obsolete '<' and '>' mean '<=' and '>=' (as in dpkg). */
export function normaliseOp(op: string): VersionOp | undefined {
  switch (op) {
    case '<<':
    case '<=':
    case '=':
    case '>=':
    case '>>':
      return op;
    case '<':
      return '<=';
    case '>':
      return '>=';
    default:
      return undefined;
  }
}

/** Whether `version op bound` holds, e.g. satisfies('1.2-1', '>=', '1.2'). */
export function satisfies(version: string, op: VersionOp | '<' | '>', bound: string): boolean {
  const norm = normaliseOp(op);
  if (norm === undefined) {
    throw new PithError('input', 'BAD_VERSION_OP', `unknown version relation operator '${op}'`);
  }
  const c = compareVersions(version, bound);
  switch (norm) {
    case '<<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>>':
      return c > 0;
  }
}
