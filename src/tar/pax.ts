// PAX extended-header records ("<len> <key>=<value>\n", POSIX.1-2001). Values stay raw Buffers end to end
// so binary xattrs (SCHILY.xattr.*) survive byte-exact; keys are emitted in bytewise-sorted order so the
// same map always gives the same bytes. Hand-written: no npm tar lib keeps values binary (deps.md §5).
import { badTar } from './fields.ts';

/** Prefix of the record keys GNU tar and star use for extended attributes. */
export const XATTR_PREFIX = 'SCHILY.xattr.';

/** Encodes records in bytewise-sorted key order. */
export function encodePax(records: ReadonlyMap<string, Buffer>): Buffer {
  const pairs = [...records].map(([k, v]) => [Buffer.from(k, 'utf8'), v] as const);
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  return Buffer.concat(pairs.map(([k, v]) => encodeRecord(k, v)));
}

function encodeRecord(key: Buffer, value: Buffer): Buffer {
  const body = key.length + value.length + 3; // ' ', '=', '\n'
  let len = body + String(body).length;
  if (String(len).length !== String(body).length) len = body + String(len).length;
  const rec = Buffer.allocUnsafe(len);
  let at = rec.write(`${len} `, 0, 'latin1');
  at += key.copy(rec, at);
  rec[at++] = 0x3d;
  at += value.copy(rec, at);
  rec[at] = 0x0a;
  return rec;
}

/**
 * Parses a PAX payload into key -> raw value. Trailing NUL padding is tolerated; anything else that is
 * not a well-formed record throws BAD_TAR (offset = `base` + position in the payload).
 */
export function parsePax(payload: Buffer, base: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < payload.length) {
    if (payload[pos] === 0 && isAllZero(payload, pos)) break;
    const sp = payload.indexOf(0x20, pos);
    const lenText = sp < 0 ? '' : payload.toString('latin1', pos, sp);
    const len = /^[1-9][0-9]{0,8}$/.test(lenText) ? Number(lenText) : Number.NaN;
    if (!(len > 0) || pos + len > payload.length || payload[pos + len - 1] !== 0x0a) {
      throw badTar(base + pos, 'PAX record does not parse (bad length or missing newline)');
    }
    const eq = payload.indexOf(0x3d, sp + 1);
    if (eq < 0 || eq >= pos + len - 1 || eq === sp + 1) {
      throw badTar(base + pos, 'PAX record does not parse (no key=value)');
    }
    out.set(payload.toString('utf8', sp + 1, eq), payload.subarray(eq + 1, pos + len - 1));
    pos += len;
  }
  return out;
}

function isAllZero(b: Buffer, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** A decimal PAX number; fractional seconds are floored (mtime); anything else throws BAD_TAR. */
export function paxNumber(key: string, value: Buffer, offset: number, allowFraction = false): number {
  const text = value.toString('latin1');
  const re = allowFraction ? /^-?[0-9]+(\.[0-9]*)?$/ : /^[0-9]+$/;
  const n = re.test(text) ? Math.floor(Number(text)) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw badTar(offset, `PAX ${key}=${JSON.stringify(text)} is not a valid number`);
  return n;
}
