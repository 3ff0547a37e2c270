// Digests as the OCI image-spec defines them (`algorithm:encoded`), plus sha256 helpers over bytes and
// streams. sha256 is the only algorithm pith writes; others that fit the grammar are accepted on read.
import { createHash, type Hash } from 'node:crypto';
import { streamed } from './buffer-garbage.ts';
import { PithError } from './errors.ts';

/** A digest string such as `sha256:<64 hex>`. */
export type Digest = `${string}:${string}`;

// image-spec descriptor.md §Digests: algorithm = component (separator component)*, encoded = [a-zA-Z0-9=_-]+
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const SHA512_RE = /^sha512:[a-f0-9]{128}$/;

/** Checks a digest string against the grammar and the registered algorithms' encodings. */
export function isDigest(value: unknown): value is Digest {
  if (typeof value !== 'string' || !DIGEST_RE.test(value)) return false;
  if (value.startsWith('sha256:')) return SHA256_RE.test(value);
  if (value.startsWith('sha512:')) return SHA512_RE.test(value);
  return true;
}

/** The algorithm and encoded parts of a digest. */
export function splitDigest(d: Digest): { algorithm: string; encoded: string } {
  const i = d.indexOf(':');
  return { algorithm: d.slice(0, i), encoded: d.slice(i + 1) };
}

/** sha256 digest of some bytes. */
export function sha256(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The digest of some bytes with the same algorithm as `like` (sha256 or sha512). */
export function digestLike(bytes: Uint8Array, like: Digest): Digest {
  const { algorithm } = splitDigest(like);
  return `${algorithm}:${hasherFor(like).update(bytes).digest('hex')}`;
}

/** An incremental hasher for the given digest's algorithm (sha256 or sha512). */
export function hasherFor(d: Digest): Hash {
  const { algorithm } = splitDigest(d);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new PithError(
      'input',
      'UNSUPPORTED_DIGEST',
      `digest algorithm "${algorithm}" is not supported (${d})`,
    );
  }
  return createHash(algorithm);
}

/** Digests an async stream of chunks, returning the digest and the byte count. */
export async function digestStream(
  chunks: AsyncIterable<Uint8Array>,
  algorithm: 'sha256' | 'sha512' = 'sha256',
): Promise<{ digest: Digest; size: number }> {
  const h = createHash(algorithm);
  let size = 0;
  for await (const c of chunks) {
    h.update(c);
    size += c.length;
    streamed(c.length);
  }
  return { digest: `${algorithm}:${h.digest('hex')}`, size };
}
