// A Node.js release's SHASUMS256.txt.asc: the sha256 of every file of the release, cleartext-signed by a
// release key (github.com/nodejs/node#verifying-binaries). The signature is checked against the shipped
// release keys (keys/nodejs-release-keys.asc) or a keyring the config names, before any line is used.
import { join } from 'node:path';
import { type Key, readKeyring, SHIPPED_KEYS_DIR, verifyCleartext } from '../apt-repo/index.ts';
import { isPithError, PithError } from '../util/index.ts';

export const NODE_RELEASE_KEYS = join(SHIPPED_KEYS_DIR, 'nodejs-release-keys.asc');

let shipped: Promise<Key[]> | undefined;

/** The Node.js release keys: the shipped ones, or those of the files given. */
export function nodeReleaseKeys(files?: readonly string[]): Promise<Key[]> {
  if (files?.length) return readKeyring(files);
  shipped ??= readKeyring([NODE_RELEASE_KEYS]).catch((err: unknown) => {
    shipped = undefined;
    throw err;
  });
  return shipped;
}

export interface Shasums {
  /** File name → sha256 (hex). */
  files: Map<string, string>;
  /** Key ids of the good signatures. */
  signedBy: string[];
}

/** Verifies SHASUMS256.txt.asc and reads its lines (`<sha256>  <file name>`). */
export async function verifyShasums(raw: string, keys: readonly Key[], where: string): Promise<Shasums> {
  let signed: { text: string; signedBy: string[] };
  try {
    signed = await verifyCleartext(raw, keys, where, 'SHASUMS256.txt.asc');
  } catch (cause) {
    if (!isPithError(cause)) throw cause;
    throw new PithError('invalid', 'NODE_SHASUMS_UNSIGNED', cause.message, { cause });
  }
  const files = new Map<string, string>();
  for (const line of signed.text.split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/.exec(line);
    if (m) files.set(m[2]!, m[1]!);
  }
  return { files, signedBy: signed.signedBy };
}
