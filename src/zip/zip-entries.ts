// Reading the entries of a zip archive (an OSV export, a Java jar) with yauzl, one entry at a time so
// only the entries asked for are inflated and only one is in memory. yauzl checks each entry's sizes
// against its headers; here a hostile archive is bounded too: the count of entries, each entry's size and
// the total inflated. A broken archive is one ZIP_INVALID error naming it.
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { PithError } from '../util/index.ts';

export interface ZipLimits {
  entries: number;
  entryBytes: number;
  totalBytes: number;
}

export interface ZipReadOptions {
  /** Names the archive in errors. */
  name: string;
  /** Which entries to inflate (by name and size); the rest are skipped unread. */
  want: (fileName: string, size: number) => boolean;
  limits: ZipLimits;
}

/** Yields the name and bytes of every wanted entry of a zip held in memory or in a file. */
export async function* zipEntries(
  source: Buffer | string,
  opts: ZipReadOptions,
): AsyncGenerator<{ entry: string; bytes: Buffer }> {
  const zip = await open(source, opts.name);
  let count = 0;
  let total = 0;
  try {
    for (let entry = await nextEntry(zip, opts.name); entry; entry = await nextEntry(zip, opts.name)) {
      if (++count > opts.limits.entries)
        throw tooLarge(`${opts.name}: more than ${opts.limits.entries} zip entries`);
      if (entry.fileName.endsWith('/') || !opts.want(entry.fileName, entry.uncompressedSize)) continue;
      if (entry.uncompressedSize > opts.limits.entryBytes)
        throw tooLarge(
          `${opts.name}: ${entry.fileName} is ${entry.uncompressedSize} bytes, over the ${opts.limits.entryBytes}-byte limit`,
        );
      total += entry.uncompressedSize;
      if (total > opts.limits.totalBytes)
        throw tooLarge(`${opts.name}: more than ${opts.limits.totalBytes} bytes inflated`);
      yield { entry: entry.fileName, bytes: await readEntry(zip, entry, opts.name) };
    }
  } finally {
    zip.close();
  }
}

async function open(source: Buffer | string, name: string): Promise<ZipFile> {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false };
  try {
    return typeof source === 'string'
      ? await yauzl.openPromise(source, options)
      : await yauzl.fromBufferPromise(source, options);
  } catch (err) {
    throw broken(name, err);
  }
}

function nextEntry(zip: ZipFile, name: string): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: Entry) => {
      done();
      resolve(e);
    };
    const onEnd = () => {
      done();
      resolve(undefined);
    };
    const onError = (err: Error) => {
      done();
      reject(broken(name, err));
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function readEntry(zip: ZipFile, entry: Entry, name: string): Promise<Buffer> {
  try {
    const stream: Readable = await zip.openReadStreamPromise(entry);
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    return Buffer.concat(parts);
  } catch (err) {
    throw broken(`${name}: ${entry.fileName}`, err);
  }
}

function broken(name: string, err: unknown): PithError {
  return new PithError(
    'input',
    'ZIP_INVALID',
    `${name}: not a readable zip archive (${(err as Error).message})`,
    {
      cause: err,
    },
  );
}

function tooLarge(message: string): PithError {
  return new PithError('input', 'ZIP_TOO_LARGE', message);
}
