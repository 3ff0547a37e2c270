// Exact-length and bounded streaming reads over an async iterable of chunks: the reading core of the ar
// (.deb) and tar stream readers. Invariants: never pulls from the source more than the current request
// needs, so a reader can stop at an end marker and leave the rest unread; chunks are handed out as zero-copy
// views (a copy happens only when an exact read spans chunks); close() ends the source once.

/** A queue of unread chunks with exact reads, streamed reads and skips. */
export class ByteQueue {
  /** Bytes consumed so far (the offset of the next unread byte). */
  offset = 0;
  private readonly it: AsyncIterator<Uint8Array>;
  private queue: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes: fewer only if the source ends first (empty at EOF). */
  async readUpTo(n: number): Promise<Buffer> {
    await this.fill(n);
    const k = Math.min(n, this.buffered);
    const first = this.queue[0];
    if (first && first.length >= k) return this.take(k);
    const out = Buffer.allocUnsafe(k);
    let at = 0;
    while (at < k) at += this.take(k - at).copy(out, at);
    return out;
  }

  /** The next piece of at most `max` bytes (zero-copy), or null at EOF. */
  async next(max: number): Promise<Buffer | null> {
    if (!(await this.fill(1))) return null;
    return this.take(max);
  }

  /** Skips up to `n` bytes; returns how many were skipped (fewer only at EOF). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const piece = await this.next(left);
      if (piece === null) break;
      left -= piece.length;
    }
    return n - left;
  }

  /** Stops reading the source (releases the file handle or socket behind it). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    this.buffered = 0;
    await this.it.return?.();
  }

  /** Removes at most `max` bytes from the front of the first chunk and returns them. */
  private take(max: number): Buffer {
    const c = this.queue[0]!;
    const k = Math.min(max, c.length);
    if (k < c.length) this.queue[0] = c.subarray(k);
    else this.queue.shift();
    this.buffered -= k;
    this.offset += k;
    return k < c.length ? c.subarray(0, k) : c;
  }

  /** Pulls chunks until `n` bytes are buffered; false if the source ends first. */
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
}
