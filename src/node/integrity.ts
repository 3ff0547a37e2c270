// Subresource Integrity strings as npm writes them (`dist.integrity`, package-lock.json `integrity`):
// "sha512-BASE64" (several, space-separated, are allowed). The strongest algorithm given decides, as npm's
// ssri does. Hand-written: it is a hash comparison in a few lines, and a dependency would add more code
// than it saves.
import { createHash, timingSafeEqual } from 'node:crypto';
import { PithError } from '../util/index.ts';

const STRENGTH = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
type Algorithm = (typeof STRENGTH)[number];

interface Hash {
  algorithm: Algorithm;
  digest: Buffer;
}

/** The hashes of an SRI string that pith can check (unknown algorithms are ignored, as by ssri). */
export function parseIntegrity(sri: string): Hash[] {
  const out: Hash[] = [];
  for (const token of sri.trim().split(/\s+/)) {
    const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
    if (m) out.push({ algorithm: m[1] as Algorithm, digest: Buffer.from(m[2]!, 'base64') });
  }
  return out;
}

/** Whether an SRI string names at least one hash pith can check. */
export function isIntegrity(sri: string): boolean {
  return parseIntegrity(sri).length > 0;
}

/** The SRI string of bytes (sha512, as npm publishes). */
export function integrityOf(bytes: Buffer): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** Throws INTEGRITY_MISMATCH unless `bytes` have the strongest hash `sri` names; `what` names the download. */
export function checkIntegrity(bytes: Buffer, sri: string, what: string): void {
  const hashes = parseIntegrity(sri);
  if (hashes.length === 0)
    throw new PithError('invalid', 'INTEGRITY_MISMATCH', `${what}: no usable hash in integrity "${sri}"`);
  const best = Math.max(...hashes.map((h) => STRENGTH.indexOf(h.algorithm)));
  const algorithm = STRENGTH[best]!;
  const got = createHash(algorithm).update(bytes).digest();
  const ok = hashes.some(
    (h) => h.algorithm === algorithm && h.digest.length === got.length && timingSafeEqual(h.digest, got),
  );
  if (!ok) {
    throw new PithError(
      'invalid',
      'INTEGRITY_MISMATCH',
      `${what}: ${algorithm} is ${algorithm}-${got.toString('base64')}, but ${sri} was expected; refusing it`,
    );
  }
}
