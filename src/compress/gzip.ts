// gzip for layers: node:zlib (Chromium zlib, ~1.8x GNU gzip at level 6, see briefs/deps.md §3) with the
// RFC 1952 header normalised: MTIME 0, no name, and OS byte 255 ("unknown", as Go and minizlib write),
// so the header never depends on the host OS. Same zlib + level + input ⇒ same bytes.
import { createGunzip, createGzip } from 'node:zlib';
import { through } from '../util/index.ts';
import { parallelGzip } from './parallel-gzip.ts';

export const DEFAULT_GZIP_LEVEL = 6;
const OS_BYTE_OFFSET = 9;
const OS_UNKNOWN = 255;

/** Compresses a stream with gzip at `level`: block-parallel (parallel-gzip.ts), one gzip member. */
export function gzip(source: AsyncIterable<Buffer>, level = DEFAULT_GZIP_LEVEL): AsyncIterable<Buffer> {
  return parallelGzip(source, level);
}

/** Compresses with a single zlib stream (the reference gzip output), with the normalised header. */
export async function* serialGzip(
  source: AsyncIterable<Buffer>,
  level = DEFAULT_GZIP_LEVEL,
): AsyncIterable<Buffer> {
  let offset = 0;
  for await (const chunk of through(source, createGzip({ level, chunkSize: 1 << 20 }))) {
    if (offset <= OS_BYTE_OFFSET && offset + chunk.length > OS_BYTE_OFFSET)
      chunk[OS_BYTE_OFFSET - offset] = OS_UNKNOWN;
    offset += chunk.length;
    yield chunk;
  }
}

/** Decompresses gzip (multi-member input accepted, as gzip(1) does). */
export function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  return through(source, createGunzip({ chunkSize: 1 << 20 }));
}
