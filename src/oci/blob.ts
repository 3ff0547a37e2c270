// Blobs: content addressed by a descriptor and readable as a stream. Sources (memory, files, archives,
// registries) implement `open`; nothing is read until a sink or a validator asks for it.
import { hasherFor, PithError, streamed } from '../util/index.ts';
import type { Descriptor } from './descriptor.ts';

export interface Blob {
  readonly descriptor: Descriptor;
  /** The stored bytes (for layers: the compressed blob), streamed. May be called more than once. */
  open(): AsyncIterable<Buffer>;
  /**
   * A local file that held exactly these bytes, read and hashed when this blob was made (a layer cache
   * hit): a sink writing to a local file system may copy it (copy_file_range, or a reflink) instead of
   * streaming and hashing it again.
   */
  readonly file?: string;
}

/** Blobs whose `open` checks their bytes itself (verifyingBlob); a copy of one is not among them. */
const selfChecked = new WeakSet<Blob>();

/**
 * A blob whose `open` already checks the bytes against the descriptor as they stream, failing at the end
 * as verifiedContent does (a registry's blob endpoint read through its client): sinks pass its stream on
 * rather than hash it a second time.
 */
export function verifyingBlob(descriptor: Descriptor, open: () => AsyncIterable<Buffer>): Blob {
  const blob: Blob = { descriptor, open };
  selfChecked.add(blob);
  return blob;
}

/** A blob held in memory as one or more chunks. */
export function memoryBlob(descriptor: Descriptor, chunks: Buffer | readonly Buffer[]): Blob {
  const list = Buffer.isBuffer(chunks) ? [chunks] : chunks;
  return {
    descriptor,
    async *open() {
      yield* list;
    },
  };
}

/**
 * Streams a blob while checking it against its descriptor (`where` prefixes the messages): the stream fails at the end (before the
 * consumer can commit the bytes) if the size or digest differ. Sinks copy blobs only through this.
 */
export async function* verifiedContent(blob: Blob, where?: string): AsyncIterable<Buffer> {
  if (selfChecked.has(blob)) {
    yield* blob.open();
    return;
  }
  const { descriptor } = blob;
  const at = where ? `${where}: ` : '';
  const h = hasherFor(descriptor.digest);
  let size = 0;
  for await (const c of blob.open()) {
    size += c.length;
    if (size > descriptor.size) {
      throw new PithError(
        'invalid',
        'SIZE_MISMATCH',
        `${at}blob ${descriptor.digest} is larger than its descriptor's ${descriptor.size} bytes`,
      );
    }
    h.update(c);
    streamed(c.length);
    yield c;
  }
  const actual = `${descriptor.digest.slice(0, descriptor.digest.indexOf(':'))}:${h.digest('hex')}`;
  if (size !== descriptor.size) {
    throw new PithError(
      'invalid',
      'SIZE_MISMATCH',
      `${at}blob ${descriptor.digest} is ${size} bytes, its descriptor says ${descriptor.size}`,
    );
  }
  if (actual !== descriptor.digest)
    throw new PithError(
      'invalid',
      'DIGEST_MISMATCH',
      `${at}blob ${descriptor.digest} hashes to ${actual}; refusing it`,
    );
}
