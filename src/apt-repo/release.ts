// InRelease: verified before anything in it is used. The cleartext signature must carry at least one valid
// signature from the trusted keys (openpgp.js; briefs/deps.md §6), Date must not be in the future and
// Valid-Until not in the past, and only the *signed* text (never the raw file) is parsed for the index
// hashes that every Packages file is then checked against.
import type * as OpenPGP from 'openpgp';
import { messageOf, PithError } from '../util/index.ts';
import { parseDeb822 } from './deb822.ts';
import type { Key } from './keyring.ts';
import { openpgp } from './openpgp.ts';

export interface ReleaseFile {
  path: string;
  size: number;
  sha256: string;
}

export interface Release {
  suite?: string;
  codename?: string;
  version?: string;
  origin?: string;
  date: Date;
  validUntil?: Date;
  architectures: string[];
  /**
   * Component names as sources.list names them: the security archive lists `updates/main` while its
   * indexes live under `main/`, so only the part after the last `/` is kept, as apt does
   * (apt-pkg/deb/debmetaindex.cc).
   */
  components: string[];
  acquireByHash: boolean;
  /** SHA256 section, by path relative to the dists/SUITE directory. */
  files: Map<string, ReleaseFile>;
  /** Key ids (hex) of the signatures that verified. */
  signedBy: string[];
  /** The signed text exactly as verified. */
  text: string;
}

export interface VerifyOptions {
  /** The time to check Date and Valid-Until against (default: now). */
  now?: Date;
  /** Accept an InRelease whose Valid-Until has passed (for rebuilding from an old lock; never the default). */
  ignoreValidUntil?: boolean;
}

/** Verifies an InRelease file and parses its signed content. `where` names it in errors (suite URL). */
export async function verifyInRelease(
  raw: string,
  keys: readonly Key[],
  where: string,
  opts: VerifyOptions = {},
): Promise<Release> {
  const signed = await verifyCleartext(raw, keys, where);
  return signedRelease(signed.text, signed.signedBy, where, opts);
}

/** The Release in the verified text of an InRelease, its Date and Valid-Until checked against now. */
export function signedRelease(
  text: string,
  signedBy: string[],
  where: string,
  opts: VerifyOptions = {},
): Release {
  const release = parseRelease(text, where, signedBy);
  checkDates(release, where, opts);
  return release;
}

/**
 * Verifies an OpenPGP cleartext-signed file (an InRelease, Node.js's SHASUMS256.txt.asc): its text and the
 * key ids of the good signatures by trusted keys; throws unless there is one.
 */
export async function verifyCleartext(
  raw: string,
  keys: readonly Key[],
  where: string,
  what = 'InRelease',
): Promise<{ text: string; signedBy: string[] }> {
  const pgp = await openpgp();
  let message: OpenPGP.CleartextMessage;
  try {
    message = await pgp.readCleartextMessage({ cleartextMessage: raw });
  } catch (cause) {
    throw new PithError(
      'invalid',
      'RELEASE_NOT_SIGNED',
      `${where}: ${what} is not an OpenPGP cleartext-signed file (${messageOf(cause)})`,
      { cause },
    );
  }
  const result = await pgp.verify({ message, verificationKeys: [...keys] });
  return {
    text: result.data as string,
    signedBy: await goodSignatures(result.signatures, what, where),
  };
}

/** Verifies a Release file against its detached signature (Release.gpg), then parses it. */
export async function verifyDetachedRelease(
  release: Buffer,
  signature: string,
  keys: readonly Key[],
  where: string,
  opts: VerifyOptions = {},
): Promise<Release> {
  const pgp = await openpgp();
  let sig: OpenPGP.Signature;
  try {
    sig = await pgp.readSignature({ armoredSignature: signature });
  } catch (cause) {
    throw new PithError(
      'invalid',
      'RELEASE_NOT_SIGNED',
      `${where}: Release.gpg is not an armored OpenPGP signature (${messageOf(cause)})`,
      { cause },
    );
  }
  const message = await pgp.createMessage({ binary: release });
  const result = await pgp.verify({
    message,
    signature: sig,
    verificationKeys: [...keys],
    format: 'binary',
  });
  const signedBy = await goodSignatures(result.signatures, 'Release', where);
  const parsed = parseRelease(release.toString('utf8'), where, signedBy);
  checkDates(parsed, where, opts);
  return parsed;
}

/** Key ids of the signatures that verify; throws unless there is at least one from a trusted key. */
async function goodSignatures(
  signatures: OpenPGP.VerifyMessageResult['signatures'],
  what: string,
  where: string,
): Promise<string[]> {
  const outcomes = await Promise.all(
    signatures.map(async (s) => {
      try {
        await s.verified;
        return { id: s.keyID.toHex(), ok: true, why: '' };
      } catch (e) {
        return { id: s.keyID.toHex(), ok: false, why: messageOf(e) };
      }
    }),
  );
  const good = outcomes.filter((o) => o.ok).map((o) => o.id);
  if (good.length === 0) {
    const detail = outcomes.map((o) => `${o.id}: ${o.why}`).join('; ') || 'no signatures';
    throw new PithError(
      'invalid',
      'RELEASE_SIGNATURE_INVALID',
      `${where}: ${what} has no valid signature from a trusted key (${detail})`,
    );
  }
  return good;
}

/** Parses Release text (already verified). */
export function parseRelease(text: string, where: string, signedBy: string[] = []): Release {
  const stanza = parseDeb822(text, { where })[0];
  if (!stanza) throw new PithError('invalid', 'BAD_RELEASE', `${where}: Release is empty`);
  const date = parseDate(stanza.get('Date'), 'Date', where);
  if (!date) throw new PithError('invalid', 'BAD_RELEASE', `${where}: Release has no Date`);
  const validUntil = parseDate(stanza.get('Valid-Until'), 'Valid-Until', where);
  const words = (name: string) => (stanza.get(name) ?? '').split(/\s+/).filter(Boolean);
  const release: Release = {
    date,
    architectures: words('Architectures'),
    components: words('Components').map((c) => c.slice(c.lastIndexOf('/') + 1)),
    acquireByHash: stanza.get('Acquire-By-Hash')?.toLowerCase() === 'yes',
    files: parseSha256(stanza.get('SHA256') ?? '', where),
    signedBy,
    text,
  };
  for (const [key, field] of [
    ['suite', 'Suite'],
    ['codename', 'Codename'],
    ['version', 'Version'],
    ['origin', 'Origin'],
  ] as const) {
    const v = stanza.get(field);
    if (v !== undefined) release[key] = v;
  }
  if (validUntil) release.validUntil = validUntil;
  if (release.files.size === 0)
    throw new PithError('invalid', 'BAD_RELEASE', `${where}: Release has no SHA256 file list`);
  return release;
}

function parseSha256(field: string, where: string): Map<string, ReleaseFile> {
  const files = new Map<string, ReleaseFile>();
  for (const line of field.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const m = /^([0-9a-f]{64})\s+([0-9]+)\s+(\S+)$/.exec(t);
    if (!m) throw new PithError('invalid', 'BAD_RELEASE', `${where}: bad SHA256 line "${t}"`);
    files.set(m[3]!, { sha256: m[1]!, size: Number(m[2]), path: m[3]! });
  }
  return files;
}

function parseDate(value: string | undefined, field: string, where: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value.replace(/\bUTC$/, 'GMT'));
  if (Number.isNaN(d.getTime()))
    throw new PithError('invalid', 'BAD_RELEASE', `${where}: ${field} "${value}" is not an RFC 2822 date`);
  return d;
}

function checkDates(r: Release, where: string, opts: VerifyOptions): void {
  const now = opts.now ?? new Date();
  // A small allowance for clock skew, so a just-published Release is not refused.
  if (r.date.getTime() > now.getTime() + 10 * 60_000) {
    throw new PithError(
      'invalid',
      'RELEASE_FROM_FUTURE',
      `${where}: Release Date ${r.date.toISOString()} is in the future (check the clock)`,
    );
  }
  if (r.validUntil && r.validUntil.getTime() < now.getTime() && !opts.ignoreValidUntil) {
    throw new PithError(
      'invalid',
      'RELEASE_EXPIRED',
      `${where}: Release expired at ${r.validUntil.toISOString()} (Valid-Until); the mirror is stale or replayed`,
    );
  }
}
