// Indexes an uncompressed tar file on disk: positional reads of headers and PAX/GNU meta only (data is
// skipped by offset, never copied out), so a member can later be streamed with createReadStream({start, end}).
// readTarFile reads a whole file once instead (for a caller that hashes it) and gives entries whose data
// stays in the file: read when asked for, or streamed (spanContent). Parsing is the same code as readTar
// (scan.ts/header-decode.ts). Invariant: every offset + size lies inside the file. indexTarFile's reads go
// through a 64 KiB read-ahead window, so neighbouring small members cost one read.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { counting, PithError, streamed } from '../util/index.ts';
import type { TarEntry } from './entry.ts';
import { badTar } from './fields.ts';
import type { ReadEntry } from './reader.ts';
import { type BlockSource, scanTar } from './scan.ts';
import { StreamSource } from './stream-source.ts';

/** An entry with the byte offset of its data in the file. */
export interface IndexedEntry extends Omit<TarEntry, 'content'> {
  offset: number;
}

const EMPTY = Buffer.alloc(0);
const WINDOW = 64 * 1024; // read-ahead: one fh.read costs ~60 µs, so neighbouring headers share one

export interface IndexOptions {
  /** Refuse archives with more entries than this (default: no limit); `onTooMany` makes the error. */
  maxEntries?: number;
  onTooMany?: (max: number) => Error;
}

/**
 * Scans an uncompressed tar file with positional reads (headers and meta only), returning every entry with
 * its data offset. Same parsing rules and BAD_TAR errors as readTar. With `maxEntries`, stops at the first
 * entry over it, so an archive of a million tiny members cannot exhaust memory.
 */
export async function indexTarFile(path: string, opts: IndexOptions = {}): Promise<IndexedEntry[]> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (cause) {
    throw new PithError('io', 'READ_FAILED', `cannot open tar file ${path}`, { cause, details: { path } });
  }
  try {
    const src = new FileSource(fh, (await fh.stat()).size);
    const out: IndexedEntry[] = [];
    const max = opts.maxEntries ?? Number.POSITIVE_INFINITY;
    for await (const { entry, offset } of scanTar(src, 'skip')) {
      if (out.length >= max)
        throw (
          opts.onTooMany?.(max) ??
          new PithError('invalid', 'TOO_MANY_ENTRIES', `${path}: more than ${max} tar entries`)
        );
      out.push({ ...entry, offset });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/**
 * The entries of an uncompressed tar file whose file data stays in the file: each entry's `data` reads it
 * from there when asked for, and `span` says where it lies, for spanContent. The file is read once, in 1 MiB
 * pieces, to the end (padding too), each piece shown to `tap` (e.g. to hash it): one pass, where
 * indexTarFile's positional reads of each header cost a round trip each. For a file that does not change
 * while it is used (e.g. a cache entry, written once and renamed into place).
 */
export async function readTarFile(
  path: string,
  opts: IndexOptions & { tap?: (piece: Buffer) => void } = {},
): Promise<ReadEntry[]> {
  const { fd, dev, ino } = openWithIdentity(path);
  const pieces = createReadStream(path, { fd, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
  const src = new StreamSource(opts.tap ? counting(pieces, opts.tap) : pieces);
  const out: ReadEntry[] = [];
  const max = opts.maxEntries ?? Number.POSITIVE_INFINITY;
  try {
    for await (const { entry, offset } of scanTar(src, 'skip')) {
      if (out.length >= max)
        throw (
          opts.onTooMany?.(max) ??
          new PithError('invalid', 'TOO_MANY_ENTRIES', `${path}: more than ${max} tar entries`)
        );
      if (entry.type !== 'file') {
        out.push({ ...entry, data: EMPTY });
        continue;
      }
      const span: Span = { file: path, offset, dev, ino };
      out.push(
        Object.defineProperties(entry, {
          data: { enumerable: true, get: () => readSpan(span, entry.size) },
          span: { enumerable: true, value: span },
        }) as ReadEntry,
      );
    }
    while (await src.next(1 << 20)) {
      // the rest (end-of-archive blocks, record padding), read only for `tap`
    }
    return out;
  } finally {
    await src.close();
  }
}

/** Where an entry's data lies: the file (and the inode that was read, when known) and the offset. */
type Span = NonNullable<ReadEntry['span']>;

/**
 * Files spans are read from, kept open (at most a few, least recently used closed first): a layer reads
 * hundreds of small files from one tar, and opening each costs more than reading it.
 */
const openFiles = new Map<string, number>();
const OPEN_FILES = 8;

/** A file opened for reading, with the device and inode it is (bigints: inode numbers may pass 2^53). */
function openWithIdentity(path: string): { fd: number; dev: bigint; ino: bigint } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const { dev, ino } = fstatSync(fd, { bigint: true });
    return { fd, dev, ino };
  } catch (cause) {
    if (fd !== undefined) closeSync(fd);
    throw new PithError('io', 'READ_FAILED', `cannot open ${path}`, { cause, details: { path } });
  }
}

/** The open file of a span, opened now if it is not kept open: still the inode that was read, or an error. */
function fdOf(span: Span): number {
  const key = `${span.dev ?? ''}:${span.ino ?? ''}:${span.file}`;
  let fd = openFiles.get(key);
  if (fd !== undefined) openFiles.delete(key);
  else {
    const opened = openWithIdentity(span.file);
    fd = opened.fd;
    if (
      (span.ino !== undefined && opened.ino !== span.ino) ||
      (span.dev !== undefined && opened.dev !== span.dev)
    ) {
      closeSync(fd);
      throw new Error('the file was replaced since it was read');
    }
    if (openFiles.size >= OPEN_FILES) {
      const [oldest, old] = openFiles.entries().next().value!;
      openFiles.delete(oldest);
      closeSync(old);
    }
  }
  openFiles.set(key, fd);
  return fd;
}

/** `length` bytes at `offset` of a span's file (READ_FAILED if it is gone or shorter). */
function readAt(span: Span, offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  try {
    const fd = fdOf(span);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, offset + got);
      if (n === 0) throw new Error(`the file ends ${length - got} bytes early`);
      got += n;
    }
    return out;
  } catch (cause) {
    throw spanError(span, cause);
  }
}

/** The `size` bytes at a span, read now. */
function readSpan(span: Span, size: number): Buffer {
  return readAt(span, span.offset, size);
}

/**
 * The `size` bytes at a span as a stream of pieces of at most 1 MiB (READ_FAILED if the file is gone or
 * shorter). Read with positional reads of a file kept open: the files are in the page cache, just written
 * or just hashed, and a stream per file would cost more than its reads.
 */
export async function* spanContent(
  span: { file: string; offset: number },
  size: number,
): AsyncIterable<Buffer> {
  for (let at = 0; at < size; at += PIECE) {
    const piece = readAt(span, span.offset + at, Math.min(PIECE, size - at));
    streamed(piece.length);
    yield piece;
  }
}

const PIECE = 1 << 20;

function spanError(span: Span, cause: unknown): PithError {
  return new PithError('io', 'READ_FAILED', `cannot read ${span.file} at byte ${span.offset}`, {
    cause,
    details: { path: span.file, offset: span.offset },
  });
}

/** BlockSource over a file handle, reading through a 64 KiB window so small headers cost no syscall each. */
class FileSource implements BlockSource {
  offset = 0;
  private readonly fh: FileHandle;
  private readonly fileSize: number;
  private window = Buffer.alloc(0);
  private windowAt = 0;

  constructor(fh: FileHandle, fileSize: number) {
    this.fh = fh;
    this.fileSize = fileSize;
  }

  async readBlock(): Promise<Buffer | null> {
    if (this.offset === this.fileSize) return null;
    return this.read(512);
  }

  async read(n: number): Promise<Buffer> {
    this.ensure(n);
    const rel = this.offset - this.windowAt;
    if (rel < 0 || rel + n > this.window.length) await this.load(n);
    const at = this.offset - this.windowAt;
    this.offset += n;
    return this.window.subarray(at, at + n);
  }

  async skip(n: number): Promise<void> {
    this.ensure(n);
    this.offset += n;
  }

  async next(max: number): Promise<Buffer | null> {
    const n = Math.min(max, this.fileSize - this.offset, WINDOW);
    return n === 0 ? null : this.read(n);
  }

  private ensure(n: number): void {
    if (this.offset + n > this.fileSize) {
      throw badTar(
        this.fileSize,
        `unexpected end of file (${this.offset + n - this.fileSize} more bytes needed)`,
      );
    }
  }

  private async load(n: number): Promise<void> {
    const len = Math.min(Math.max(n, WINDOW), this.fileSize - this.offset);
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await this.fh.read(buf, got, len - got, this.offset + got);
      if (bytesRead === 0) throw badTar(this.offset + got, 'file shrank while being read');
      got += bytesRead;
    }
    this.window = buf;
    this.windowAt = this.offset;
  }
}
