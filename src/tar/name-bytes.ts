// File names as bytes. A POSIX name is any byte string; pith's paths are JS strings. A name that is not
// valid UTF-8 is carried as a string in which each byte that does not decode (0x80-0xFF) is the lone
// surrogate U+DC80-U+DCFF (Python's "surrogateescape"), so every byte string has exactly one string and
// converts back to the same bytes. Valid UTF-8 is decoded as usual and encodes exactly as Buffer.from does.
import { isUtf8 } from 'node:buffer';

/** A lone low surrogate in the escape range (not the second half of a surrogate pair). */
const ESCAPED = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** The string of a name's bytes: UTF-8, with undecodable bytes escaped as U+DC80-U+DCFF. */
export function nameFromBytes(b: Buffer): string {
  if (isUtf8(b)) return b.toString('utf8');
  let out = '';
  let i = 0;
  while (i < b.length) {
    const n = utf8SequenceLength(b, i);
    if (n > 0) {
      out += b.toString('utf8', i, i + n);
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + b[i]!);
      i++;
    }
  }
  return out;
}

/** The bytes of a name: the inverse of nameFromBytes. */
export function nameToBytes(s: string): Buffer {
  if (!ESCAPED.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    parts.push(
      ch.length === 1 && c >= 0xdc80 && c <= 0xdcff ? Buffer.of(c - 0xdc00) : Buffer.from(ch, 'utf8'),
    );
  }
  return Buffer.concat(parts);
}

/** True if the name holds bytes that are not UTF-8 (escaped bytes). */
export function isRawName(s: string): boolean {
  return ESCAPED.test(s);
}

/** The one spelling of a name: a string whose escaped bytes form valid UTF-8 is decoded. */
export function canonicalName(s: string): string {
  return isRawName(s) ? nameFromBytes(nameToBytes(s)) : s;
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates), or 0. */
function utf8SequenceLength(b: Buffer, i: number): number {
  const b0 = b[i]!;
  if (b0 < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) n = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + n > b.length) return 0;
  const b1 = b[i + 1]!;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}
