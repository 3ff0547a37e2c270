// A BlockSource over an async iterable of chunks: keeps a small queue of unread chunks and hands out exact
// byte counts, copying only when a read spans chunks. Invariant: never reads further from the source than
// the current request needs, so the caller can stop at the end-of-archive marker and leave the rest unread.
import { badTar } from './fields.ts';
import type { BlockSource } from './scan.ts';

/** Exact-length reads over chunks of an async iterable. */
export class StreamSource implements BlockSource {
  offset = 0;
  private readonly it: AsyncIterator<Uint8Array>;
  private queue: Buffer[] = [];
  private head = 0; // index of the first unread chunk in `queue`
  private buffered = 0;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  async readBlock(): Promise<Buffer | null> {
    if (!(await this.fill(1))) return null;
    return this.read(512);
  }

  async read(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw this.truncated(n);
    this.offset += n;
    this.buffered -= n;
    const first = this.queue[this.head];
    if (first && first.length >= n) return this.take(first, n);
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.queue[this.head]!;
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
      this.take(c, k);
    }
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill(1))) throw this.truncated(left);
      const c = this.queue[this.head]!;
      const k = Math.min(c.length, left);
      this.take(c, k);
      this.offset += k;
      this.buffered -= k;
      left -= k;
    }
  }

  /** Stops reading the source (releases a file handle or a socket behind it). */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.it.return?.();
    }
  }

  /** Removes `k` bytes from the front of the queue's first chunk `c`, returning them. */
  private take(c: Buffer, k: number): Buffer {
    if (k < c.length) {
      this.queue[this.head] = c.subarray(k);
    } else if (++this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return c.subarray(0, k);
  }

  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n) {
      if (this.ended) return false;
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      const v = r.value;
      if (v.length === 0) continue;
      this.queue.push(Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length));
      this.buffered += v.length;
    }
    return true;
  }

  private truncated(wanted: number) {
    return badTar(this.offset + this.buffered, `unexpected end of input (${wanted} more bytes needed)`);
  }
}
