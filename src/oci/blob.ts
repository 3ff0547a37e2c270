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
