// A BlockSource over an async iterable of chunks (util's ByteQueue), turning short reads into BAD_TAR with
// the archive offset. Invariant: never reads further from the source than the current request needs, so
// the caller can stop at the end-of-archive marker and leave the rest unread.
import { ByteQueue } from '../util/index.ts';
import { BLOCK, badTar } from './fields.ts';
import type { BlockSource } from './scan.ts';

/** Exact-length reads over chunks of an async iterable. */
export class StreamSource implements BlockSource {
  readonly #q: ByteQueue;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#q = new ByteQueue(source);
  }

  get offset(): number {
    return this.#q.offset;
  }

  async readBlock(): Promise<Buffer | null> {
    const block = await this.#q.readUpTo(BLOCK);
    if (block.length === 0) return null;
    if (block.length < BLOCK) throw this.#truncated(BLOCK);
    return block;
  }

  async read(n: number): Promise<Buffer> {
    const bytes = await this.#q.readUpTo(n);
    if (bytes.length < n) throw this.#truncated(n);
    return bytes;
  }

  async skip(n: number): Promise<void> {
    const skipped = await this.#q.skip(n);
    if (skipped < n) throw this.#truncated(n - skipped);
  }

  next(max: number): Promise<Buffer | null> {
    return this.#q.next(max);
  }

  /** Stops reading the source (releases a file handle or a socket behind it). */
  close(): Promise<void> {
    return this.#q.close();
  }

  #truncated(wanted: number) {
    return badTar(this.#q.offset, `unexpected end of input (${wanted} more bytes needed)`);
  }
}
