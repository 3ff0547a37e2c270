// The JSON records inside a zip export of OSV (osv.dev publishes one `all.zip` per ecosystem), read entry
// by entry with yauzl (which checks each entry's sizes against its headers), so only one record is in
// memory at a time. A hostile zip is bounded: entry count, each record's size, and the total inflated.
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { vulnError } from './error-codes.ts';

export const ZIP_LIMITS = {
  entries: 2_000_000,
  entryBytes: 64 << 20,
  totalBytes: 8 * 2 ** 30,
};

/** Opens a zip held in memory or in a file. */
export function openZip(source: Buffer | string): Promise<ZipFile> {
  const options = { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false };
  return typeof source === 'string'
    ? yauzl.openPromise(source, options)
    : yauzl.fromBufferPromise(source, options);
}

/** Yields the name and bytes of every `*.json` entry. */
export async function* zipJsonEntries(
  zip: ZipFile,
  name: string,
  limits = ZIP_LIMITS,
): AsyncGenerator<{ entry: string; bytes: Buffer }> {
  let count = 0;
  let total = 0;
  try {
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      if (++count > limits.entries)
        throw vulnError('FEED_TOO_LARGE', `${name}: more than ${limits.entries} zip entries`);
      if (!entry.fileName.endsWith('.json')) continue;
      if (entry.uncompressedSize > limits.entryBytes)
        throw vulnError(
          'FEED_TOO_LARGE',
          `${name}: ${entry.fileName} is ${entry.uncompressedSize} bytes, over the ${limits.entryBytes}-byte limit`,
        );
      total += entry.uncompressedSize;
      if (total > limits.totalBytes)
        throw vulnError('FEED_TOO_LARGE', `${name}: more than ${limits.totalBytes} bytes inflated`);
      yield { entry: entry.fileName, bytes: await readAll(await zip.openReadStreamPromise(entry)) };
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
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
      reject(err);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
