// Reading small files whose path came from outside (a config, a keyring, a lock; an image layout's
// documents): only regular files, opened without blocking (a FIFO is seen for what it is instead of waiting
// for a writer), and only up to a bound (files that grow, or under-report their size like /proc, are caught
// too), so `/dev/zero`, a FIFO or a huge file is one clear error instead of a hang or an exhausted heap.
import type { Stats } from 'node:fs';
import { constants, type FileHandle, open } from 'node:fs/promises';
import { PithError } from './errors.ts';
import { fileTypeName, fromSystemError } from './system-error.ts';

/** Opens `path` for reading without blocking: its handle when it is a regular file, else its Stats. */
export async function openRegularFile(
  path: string,
): Promise<{ fh: FileHandle; stats: Stats } | { other: Stats }> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const stats = await fh.stat().catch(async (err: unknown) => {
    await fh.close();
    throw err;
  });
  if (stats.isFile()) return { fh, stats };
  await fh.close();
  return { other: stats };
}

/** The file's bytes from its start, but never more than `max + 1` of them: a longer result means "over". */
export async function readAtMost(fh: FileHandle, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(Math.min(max + 1, 64 * 1024));
  while (total <= max) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, max + 1 - total), null);
    if (bytesRead === 0) break;
    parts.push(Buffer.from(buf.subarray(0, bytesRead)));
    total += bytesRead;
  }
  return Buffer.concat(parts, total);
}

/** The bytes of `path`, which must be a regular file of at most `maxBytes`; `what` names it in errors. */
export async function readUserFile(path: string, maxBytes: number, what: string): Promise<Buffer> {
  const fail = (cause: unknown): never => {
    throw fromSystemError(cause, { action: `read ${path}` }) ?? cause;
  };
  const opened = await openRegularFile(path).catch(fail);
  if ('other' in opened) {
    if (opened.other.isDirectory())
      fail(Object.assign(new Error('is a directory'), { code: 'EISDIR', path }));
    throw new PithError(
      'input',
      'NOT_A_FILE',
      `${what} ${path} is ${fileTypeName(opened.other)}, not a regular file`,
    );
  }
  const { fh, stats } = opened;
  try {
    const tooLarge = (size: string) =>
      new PithError('input', 'FILE_TOO_LARGE', `${what} ${path} ${size}, over the ${maxBytes}-byte limit`);
    if (stats.size > maxBytes) throw tooLarge(`is ${stats.size} bytes`);
    const bytes = await readAtMost(fh, maxBytes).catch(fail);
    if (bytes.length > maxBytes) throw tooLarge('grew');
    return bytes;
  } finally {
    await fh.close();
  }
}
