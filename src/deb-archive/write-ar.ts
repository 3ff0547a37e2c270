// Test support: serialises members as a common-format ar archive exactly as dpkg-deb writes one (names
// space-padded without GNU's '/', uid/gid 0, mode 100644, '\n' padding to even length), in memory.
// Invariant: output depends only on the members and `mtime`; names longer than 16 bytes are refused.
import { PithError } from '../util/index.ts';

const MAX_SIZE = 9_999_999_999; // the 10-digit decimal size field

/** One member to write. */
export interface ArInput {
  name: string;
  data: Buffer;
}

/** An ar archive ("!<arch>\n" + members) holding `members` in order, all stamped with `mtime`. */
export function writeAr(members: ArInput[], mtime = 0): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n', 'latin1')];
  for (const m of members) {
    parts.push(arHeader(m.name, m.data.length, mtime), m.data);
    if (m.data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** The 60-byte header of one member. */
export function arHeader(name: string, size: number, mtime = 0): Buffer {
  if (name.length === 0 || name.length > 16 || !/^[\x21-\x7e]+$/.test(name) || name.includes('/')) {
    throw new PithError('input', 'BAD_AR_NAME', `ar member name ${JSON.stringify(name)} is not a short name`);
  }
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_SIZE) {
    throw new PithError(
      'input',
      'AR_TOO_BIG',
      `ar member ${name} is ${size} bytes; the limit is ${MAX_SIZE}`,
    );
  }
  const field = (value: string | number, width: number) => String(value).padEnd(width, ' ');
  const text = `${field(name, 16)}${field(mtime, 12)}${field(0, 6)}${field(0, 6)}${field(100644, 8)}`;
  return Buffer.from(`${text}${field(size, 10)}\`\n`, 'latin1');
}
