// Streams TarEntry values as a deterministic tar: headers from header-encode.ts, file content passed through
// chunk by chunk (never buffered whole; small pieces are coalesced into ~64 KiB writes), two zero blocks at
// the end and no further record padding. Hand-written for full determinism + binary-exact xattrs, which no
// npm tar lib gives (briefs/deps.md §5).
// Invariant: same entries (and clampMtime) ⇒ same bytes; a file yields exactly its declared `size` bytes.
import type { TarEntry } from './entry.ts';
import { tarError } from './error-codes.ts';
import { BLOCK, padding } from './fields.ts';
import { encodeHeaders } from './header-encode.ts';

export interface TarWriteOptions {
  /** mtimes newer than this become this value (SOURCE_DATE_EPOCH clamping). */
  clampMtime?: number;
}

const COALESCE = 64 * 1024;
const ZEROS = Buffer.alloc(2 * BLOCK); // only ever copied into the coalescer, never yielded

/**
 * Serialises entries in the given order as a deterministic tar stream: ustar headers; PAX 'x' headers
 * only where needed (long or non-ASCII path/linkpath, big uid/gid/size, mtime out of range, xattrs as
 * 'SCHILY.xattr.<name>' with raw values, records in sorted key order); Go-style 'PaxHeaders.0/<base>'
 * header names; empty uname/gname; directories with a trailing '/'; no atime/ctime; ends with two zero
 * blocks and no record padding. Throws PithError('io','CONTENT_SIZE_CHANGED') naming the path if a file's
 * content yields a different number of bytes than `size`.
 */
export async function* writeTar(
  entries: Iterable<TarEntry>,
  opts: TarWriteOptions = {},
): AsyncIterable<Buffer> {
  const out = new Coalescer();
  for (const e of entries) {
    const mtime = clamp(Math.floor(e.mtime), opts.clampMtime);
    for (const b of encodeHeaders(e, mtime)) yield* out.push(b);
    if (e.type !== 'file') continue;
    yield* contentOf(e, out);
    if (e.size % BLOCK !== 0) yield* out.push(ZEROS.subarray(0, padding(e.size)));
  }
  yield* out.push(ZEROS);
  yield* out.flush();
}

function clamp(mtime: number, limit: number | undefined): number {
  return limit !== undefined && mtime > limit ? Math.floor(limit) : mtime;
}

async function* contentOf(e: TarEntry, out: Coalescer): AsyncIterable<Buffer> {
  let written = 0;
  if (e.content) {
    for await (const chunk of e.content()) {
      written += chunk.length;
      if (written > e.size) break;
      yield* out.push(chunk);
    }
  }
  if (written !== e.size) {
    throw tarError(
      'CONTENT_SIZE_CHANGED',
      `${e.path}: content has ${written > e.size ? 'more' : 'fewer'} bytes than the declared size ${e.size}` +
        (written > e.size ? '' : ` (got ${written})`),
      { details: { path: e.path, size: e.size, got: written } },
    );
  }
}

/**
 * Copies small buffers into fresh ~64 KiB chunks (so a producer may reuse its buffers); big chunks pass
 * through without a copy.
 */
class Coalescer {
  private buf = Buffer.allocUnsafe(COALESCE);
  private used = 0;

  *push(b: Buffer): Iterable<Buffer> {
    if (b.length >= COALESCE) {
      yield* this.flush();
      yield b;
      return;
    }
    if (this.used + b.length > COALESCE) yield* this.flush();
    this.used += b.copy(this.buf, this.used);
  }

  *flush(): Iterable<Buffer> {
    if (this.used === 0) return;
    const full = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(COALESCE);
    this.used = 0;
    yield full;
  }
}
