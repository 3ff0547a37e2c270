// zstd through node:zlib (Node ≥ 22.15; pith targets Node 24). 1 MiB chunks: the 16 KiB default costs 3x
// (briefs/deps.md §2). Single-threaded mode only, so output never depends on the worker count.

import type { Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { PithError, through } from '../util/index.ts';

type ZstdFactory = (opts: { chunkSize: number; params?: Record<number, number> }) => Transform;

function factory(name: 'createZstdCompress' | 'createZstdDecompress'): ZstdFactory {
  const f = (zlib as unknown as Record<string, ZstdFactory | undefined>)[name];
  if (!f) {
    throw new PithError(
      'io',
      'NO_ZSTD',
      `this Node.js (${process.version}) has no zstd; pith needs Node 22.15 or newer (24 LTS recommended)`,
    );
  }
  return f;
}

/** Compresses with zstd at `level` (default 3, zstd's own default). */
export function zstd(source: AsyncIterable<Buffer>, level = 3): AsyncIterable<Buffer> {
  const params = {
    [(zlib.constants as unknown as Record<string, number>)['ZSTD_c_compressionLevel'] ?? 100]: level,
  };
  return through(source, factory('createZstdCompress')({ chunkSize: 1 << 20, params }));
}

/** Decompresses zstd. */
export function unzstd(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  return through(source, factory('createZstdDecompress')({ chunkSize: 1 << 20 }));
}
