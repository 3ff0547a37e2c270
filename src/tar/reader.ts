// Streaming tar parser for layers and .deb data.tar: yields each entry with its data as a Buffer, parsing
// exactly as indexTarFile does (shared scan.ts/header-decode.ts). Hand-written because PAX values and
// xattrs must stay binary-exact, which no npm tar reader gives (briefs/deps.md §5).
// Invariant: stops at the end-of-archive marker; the source iterator is closed (return()) when reading ends
// or is abandoned.
import type { TarEntry } from './entry.ts';
import type { ArchiveNames } from './header-decode.ts';
import { scanTar } from './scan.ts';
import { StreamSource } from './stream-source.ts';

/** An entry as read: metadata plus its data (file content; empty otherwise). */
export interface ReadEntry extends Omit<TarEntry, 'content'> {
  data: Buffer;
  /**
   * Where the data lies in a local tar file (readTarFile), so that it can be streamed (spanContent) rather
   * than held; `data` then reads it from there on each use. `dev` and `ino` name the file that was read: a
   * file replaced since is not read.
   */
  span?: { file: string; offset: number; dev?: bigint; ino?: bigint };
}

/** An entry as streamed: metadata plus its data in pieces (file content; nothing otherwise). */
export interface StreamedEntry extends Omit<TarEntry, 'content'> {
  /** Valid until the next entry is asked for; what is not read by then is skipped. */
  body: AsyncIterable<Buffer>;
  /** With `{ names: true }`: the name and link name as the archive spells them (before normalisation). */
  names?: ArchiveNames;
}

const EMPTY = Buffer.alloc(0);

/**
 * Streaming parser: ustar, PAX 'x' and 'g' headers (binary-exact values, 'SCHILY.xattr.*' -> xattrs, path,
 * linkpath, size, uid, gid, mtime (fractional -> floor)), GNU 'L'/'K' long names, base-256 numbers, old-GNU
 * and v7 headers. Throws PithError('invalid','BAD_TAR') with the byte offset on a bad checksum, truncated
 * input or an unparsable PAX record. Paths are normalised (no './', leading or trailing '/'); the root
 * './' comes out as ''. Stops at the end-of-archive blocks.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncIterable<ReadEntry> {
  const src = new StreamSource(source);
  try {
    for await (const { entry, data } of scanTar(src, 'read')) yield { ...entry, data: data ?? EMPTY };
  } finally {
    await src.close();
  }
}

/**
 * readTar without holding any file whole: each file's data comes as pieces of the decompressed stream, so
 * memory stays bounded by one chunk, whatever the file sizes (the inventory hashes gigabytes this way).
 */
export async function* streamTar(
  source: AsyncIterable<Buffer>,
  opts: { names?: boolean } = {},
): AsyncIterable<StreamedEntry> {
  const src = new StreamSource(source);
  try {
    for await (const { entry, body, names } of scanTar(src, 'stream'))
      yield { ...entry, body: body ?? NO_BODY, ...(opts.names ? { names } : {}) };
  } finally {
    await src.close();
  }
}

const NO_BODY: AsyncIterable<Buffer> = { async *[Symbol.asyncIterator]() {} };
