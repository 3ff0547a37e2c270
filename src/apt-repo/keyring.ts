// The OpenPGP keys InRelease signatures are checked against: the Debian archive keys shipped in keys/
// (copied from debian-archive-keyring, see keys/README.md), or a user keyring given instead.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type * as OpenPGP from 'openpgp';
import { messageOf, PithError, readUserFile } from '../util/index.ts';
import { openpgp } from './openpgp.ts';

export type Key = OpenPGP.PublicKey;

/** The directory of the shipped keys (works from src/ and from the compiled dist/). */
export const SHIPPED_KEYS_DIR = resolve(import.meta.dirname, '..', '..', 'keys');

export const SHIPPED_KEY_FILES = [
  'debian-archive-bookworm-automatic.gpg',
  'debian-archive-bookworm-security-automatic.gpg',
  'debian-archive-bookworm-stable.gpg',
  'debian-archive-trixie-automatic.gpg',
  'debian-archive-trixie-security-automatic.gpg',
  'debian-archive-trixie-stable.gpg',
];

/**
 * What identifies a set of keyring files without parsing them (no openpgp): the sha256 over their
 * bytes, in order. A signature found good with these keys is remembered under it (suite-client.ts).
 */
export async function keyringDigest(files: readonly string[] = shippedKeyFiles()): Promise<string> {
  const h = createHash('sha256');
  for (const file of files) {
    const bytes = await readUserFile(file, 16 << 20, 'keyring');
    h.update(createHash('sha256').update(bytes).digest());
  }
  return h.digest('hex');
}

function shippedKeyFiles(): string[] {
  return SHIPPED_KEY_FILES.map((f) => join(SHIPPED_KEYS_DIR, f));
}

/** Reads keys from binary or ASCII-armored keyring files. */
export async function readKeyring(files: readonly string[]): Promise<Key[]> {
  const keys: Key[] = [];
  for (const file of files) {
    const bytes = await readUserFile(file, 16 << 20, 'keyring');
    keys.push(...(await parseKeyring(bytes, file)));
  }
  return keys;
}

const ARMORED_BLOCK = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g;

/** Parses a binary or ASCII-armored keyring (one or more blocks) held in memory. */
export async function parseKeyring(bytes: Buffer, where: string): Promise<Key[]> {
  const pgp = await openpgp();
  try {
    const armored = bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP');
    if (!armored) return await pgp.readKeys({ binaryKeys: bytes });
    // a file of several armored blocks (one per key, as Node.js publishes its release keys) is read whole
    const blocks = bytes.toString('utf8').match(ARMORED_BLOCK) ?? [];
    const keys = await Promise.all(blocks.map((armoredKeys) => pgp.readKeys({ armoredKeys })));
    if (keys.length === 0) throw new Error('no armored key block');
    return keys.flat();
  } catch (cause) {
    throw new PithError(
      'input',
      'BAD_KEYRING',
      `keyring ${where}: not an OpenPGP keyring (${messageOf(cause)})`,
      { cause },
    );
  }
}

let shipped: Promise<Key[]> | undefined;

/** The Debian archive keys shipped with pith (read once; a failed read is tried again next time). */
export function debianArchiveKeys(): Promise<Key[]> {
  shipped ??= readKeyring(shippedKeyFiles()).catch((err: unknown) => {
    shipped = undefined;
    throw err;
  });
  return shipped;
}
