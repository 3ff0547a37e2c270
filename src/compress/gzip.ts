// gzip for layers: compression is block-parallel over node:zlib (parallel-gzip.ts: pigz scheme, normalised
// header with MTIME 0, no name and OS byte 255, so bytes never depend on the host or on timing);
// decompression accepts any gzip, multi-member included.
import { createGunzip } from 'node:zlib';
import { through } from '../util/index.ts';
import { parallelGzip } from './parallel-gzip.ts';

export const DEFAULT_GZIP_LEVEL = 6;

/** Compresses a stream with gzip at `level`: block-parallel (parallel-gzip.ts), one gzip member. */
export function gzip(source: AsyncIterable<Buffer>, level = DEFAULT_GZIP_LEVEL): AsyncIterable<Buffer> {
  return parallelGzip(source, level);
}

/** Decompresses gzip (multi-member input accepted, as gzip(1) does). */
export function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  return through(source, createGunzip({ chunkSize: 1 << 20 }));
}
