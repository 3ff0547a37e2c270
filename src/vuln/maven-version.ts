// Maven's version ordering (maven-artifact's ComparableVersion, the ordering OSV's Maven ecosystem uses):
// a version parses into nested lists — `-` and each digit/letter switch open a sub-list, `.` separates
// items within one — of numbers and qualifiers; trailing nulls (0, "", ga, final, release) are trimmed;
// qualifiers order alpha < beta < milestone < rc < snapshot < "" < sp < anything else (alphabetically).
// Hand-written because no maintained npm package orders Maven versions; test/e2e/maven-oracle.test.ts
// checks it pair by pair against Debian's maven-artifact.

import { compareText } from '../util/index.ts';

type Item = bigint | string | Item[];

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE = String(QUALIFIERS.indexOf(''));
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const SHORT: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };

/** Orders two Maven versions: negative, zero or positive, as ComparableVersion.compareTo does. */
export function compareMavenVersions(a: string, b: string): number {
  return compareItems(parseMavenVersion(a), parseMavenVersion(b));
}

/** A version as ComparableVersion parses it: a list of numbers, qualifiers and sub-lists. */
export function parseMavenVersion(version: string): Item[] {
  const text = version.toLowerCase();
  const root: Item[] = [];
  const stack: Item[][] = [root];
  let list = root;
  const open = () => {
    const sub: Item[] = [];
    list.push(sub);
    list = sub;
    stack.push(sub);
  };
  let digit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.' || c === '-') {
      list.push(i === start ? 0n : item(digit, text.slice(start, i)));
      start = i + 1;
      if (c === '-') open();
    } else if (c >= '0' && c <= '9') {
      if (!digit && i > start) {
        // 1.0.0.x1 < 1.0.0-x2: a qualifier after `.` is treated as after `-`
        if (list.length > 0) open();
        list.push(qualifier(text.slice(start, i), true));
        start = i;
        open();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        list.push(item(true, text.slice(start, i)));
        start = i;
        open();
      }
      digit = false;
    }
  }
  if (text.length > start) {
    if (!digit && list.length > 0) open();
    list.push(item(digit, text.slice(start)));
  }
  for (const l of stack.reverse()) normalize(l);
  return root;
}

function item(digit: boolean, text: string): Item {
  return digit ? BigInt(text) : qualifier(text, false);
}

function qualifier(text: string, followedByDigit: boolean): string {
  const long = followedByDigit && text.length === 1 ? (SHORT[text] ?? text) : text;
  return ALIASES[long] ?? long;
}

/** Drops trailing null items (0, "", empty lists), stopping at the first non-null item that is not a list. */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const x = list[i]!;
    if (isNull(x)) list.splice(i, 1);
    else if (!Array.isArray(x)) break;
  }
}

function isNull(x: Item): boolean {
  if (typeof x === 'bigint') return x === 0n;
  if (typeof x === 'string') return comparable(x) === RELEASE;
  return x.length === 0;
}

/** A qualifier's sort key: its index among the known ones, else after all of them, by name. */
function comparable(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i < 0 ? `${QUALIFIERS.length}-${q}` : String(i);
}

/** ComparableVersion's Item.compareTo, `b` undefined standing for Java's null (a missing item). */
function compareItems(a: Item, b: Item | undefined): number {
  if (typeof a === 'bigint') {
    if (b === undefined) return a === 0n ? 0 : 1;
    if (typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    return 1; // 1.1 > 1-sp, 1.1 > 1-1
  }
  if (typeof a === 'string') {
    if (b === undefined) return compareText(comparable(a), RELEASE);
    if (typeof b === 'string') return compareText(comparable(a), comparable(b));
    return -1; // 1.any < 1.1, 1.any < 1-1
  }
  if (b === undefined) {
    for (const x of a) {
      const r = compareItems(x, undefined);
      if (r !== 0) return r;
    }
    return 0;
  }
  if (typeof b === 'bigint') return -1; // 1-1 < 1.0.x
  if (typeof b === 'string') return 1; // 1-1 > 1-sp
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const l = a[i];
    const r = b[i];
    const result = l === undefined ? (r === undefined ? 0 : -compareItems(r, undefined)) : compareItems(l, r);
    if (result !== 0) return result;
  }
  return 0;
}
