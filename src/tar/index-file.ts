// Indexes an uncompressed tar file on disk: positional reads of headers and PAX/GNU meta only (data is
// skipped by offset, never copied out), so a member can later be streamed with createReadStream({start, end}).
// Parsing is the same code as readTar (scan.ts/header-decode.ts). Invariant: every offset + size lies inside
// the file. Reads go through a 64 KiB read-ahead window, so neighbouring small members cost one read.
import { type FileHandle, open } from 'node:fs/promises';
import { PithError } from '../util/index.ts';
import type { TarEntry } from './entry.ts';
import { badTar } from './fields.ts';
import { type BlockSource, scanTar } from './scan.ts';

/** An entry with the byte offset of its data in the file. */
export interface IndexedEntry extends Omit<TarEntry, 'content'> {
  offset: number;
}

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
