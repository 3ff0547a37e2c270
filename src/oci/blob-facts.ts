// What reading a blob reveals, for `validate`: its digest and size and, for a layer, the digest of its
// decompressed content, all from one pass over the bytes. Facts are memoised by digest for one validation
// run, so an image whose manifest repeats a few layers thousands of times reads each distinct blob once.
import { createHash } from 'node:crypto';
import { decompress } from '../compress/index.ts';
import { type Digest, digestStream, drain, isPithError, messageOf, throwIfAborted } from '../util/index.ts';
import type { Blob } from './blob.ts';
import type { LayerCompression } from './media-types.ts';

export interface BlobFacts {
  /** The digest of the stored bytes (absent when they could not be read). */
  digest?: Digest;
  size?: number;
  /** Why the bytes could not be read. */
  readError?: string;
  /** The digest of the decompressed content, for layers that decompress. */
  diffId?: Digest;
  /** Why a layer did not decompress. */
  decodeError?: string;
}

type Algorithm = 'sha256' | 'sha512';

/** Reads blobs at most once per digest (and decompression) within one run. */
export class BlobFactCache {
  readonly #facts = new Map<string, Promise<BlobFacts>>();
  readonly #signal: AbortSignal | undefined;

  /** A fired `signal` ends the reading (with ABORTED) at the next chunk. */
  constructor(signal?: AbortSignal) {
    this.#signal = signal;
  }

  /** The facts of a blob; `layer` also decompresses it with that compression. */
  of(blob: Blob, algorithm: Algorithm, layer?: LayerCompression): Promise<BlobFacts> {
    const key = `${blob.descriptor.digest} ${algorithm} ${layer ?? '-'}`;
    let facts = this.#facts.get(key);
    if (!facts) {
      facts = readFacts(blob, algorithm, layer, this.#signal);
      this.#facts.set(key, facts);
    }
    return facts;
  }
}

/** One pass: the stored bytes are hashed as they are fed to the decompressor. */
async function readFacts(
  blob: Blob,
  algorithm: Algorithm,
  layer: LayerCompression | undefined,
  signal: AbortSignal | undefined,
): Promise<BlobFacts> {
  const hash = createHash(algorithm);
  let size = 0;
  let complete = false;
  let readError: unknown;
  const stored = async function* (): AsyncIterable<Buffer> {
    try {
      for await (const c of blob.open()) {
        throwIfAborted(signal);
        size += c.length;
        hash.update(c);
        yield c;
      }
      complete = true;
    } catch (err) {
      readError = err;
      throw err;
    }
  };
  const facts: BlobFacts = {};
  try {
    if (layer === undefined) await drain(stored());
    else facts.diffId = (await digestStream(decompress(stored(), layer))).digest;
  } catch (err) {
    if (readError === undefined) facts.decodeError = messageOf(err);
  }
  if (readError !== undefined) return { readError: readProblem(readError) };
  if (!complete) return { ...facts, ...(await hashOnly(blob, algorithm)) };
  return { ...facts, digest: `${algorithm}:${hash.digest('hex')}`, size };
}

/** A second read, only when the decompressor stopped before the end of the stored bytes. */
async function hashOnly(blob: Blob, algorithm: Algorithm): Promise<BlobFacts> {
  try {
    return await digestStream(blob.open(), algorithm);
  } catch (err) {
    return { readError: readProblem(err) };
  }
}

/**
 * A read failure is a problem of the image (reported) unless the environment failed (a network that gave
 * up, a disk error): then validation cannot say anything about the image, and the error ends it (exit 5).
 */
function readProblem(err: unknown): string {
  if (isPithError(err) && err.kind === 'io') throw err;
  return messageOf(err);
}
