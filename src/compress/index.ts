// Public surface of compress: layer (de)compression by kind, and detection by magic bytes.
import { gunzip, gzip } from './gzip.ts';
import { unzstd, zstd } from './zstd.ts';

export { COMPRESS_ERROR_CODES, type CompressErrorCode } from './error-codes.ts';
export { DEFAULT_GZIP_LEVEL, gunzip, gzip } from './gzip.ts';
export { unxz } from './xz.ts';
export { unzstd, zstd } from './zstd.ts';

export type Compression = 'none' | 'gzip' | 'zstd';

/** Decompresses a stream compressed with `kind`. */
export function decompress(source: AsyncIterable<Buffer>, kind: Compression): AsyncIterable<Buffer> {
  if (kind === 'gzip') return gunzip(source);
  if (kind === 'zstd') return unzstd(source);
  return source;
}

/** Compresses a stream with `kind` at an optional level. */
export function compress(
  source: AsyncIterable<Buffer>,
  kind: Compression,
  level?: number,
): AsyncIterable<Buffer> {
  if (kind === 'gzip') return gzip(source, level);
  if (kind === 'zstd') return zstd(source, level);
  return source;
}

/** The compression of some leading bytes, by magic number (gzip 1f8b, zstd 28b52ffd). */
export function detectCompression(head: Uint8Array): Compression | 'xz' | 'bzip2' {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) return 'xz';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  return 'none';
}
