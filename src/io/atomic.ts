// Atomic outputs: everything is written beside the destination under a temporary name and renamed into
// place only when complete, so a failed or interrupted write never leaves a partial output behind.
import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PithError } from '../util/index.ts';

/** Temporary paths being written now; removed by `removePendingTemps` if the process is interrupted. */
const pending = new Set<string>();

let aborted = false;

/** A sibling temporary path for `dest` (same directory, so rename is atomic), tracked until settled. */
export function tempSibling(dest: string): string {
  if (aborted) throw new PithError('io', 'ABORTED', `not writing ${dest}: pith is being interrupted`);
  const tmp = join(dirname(dest), `.${basename(dest)}.pith-${randomBytes(6).toString('hex')}.tmp`);
  pending.add(tmp);
  return tmp;
}

/** Stops new outputs and removes every temporary output in progress (SIGINT/SIGTERM): synchronous on purpose. */
export function removePendingTemps(): void {
  aborted = true;
  // The set is kept: file system calls already queued on the thread pool may still re-create a path, so
  // an interrupt handler calls this again after they have settled (see cli/main.ts).
  for (const t of pending) rmSync(t, { recursive: true, force: true });
}

/** Writes a stream to `dest` atomically: temp file, fsync-free rename; removes the temp file on failure. */
export async function writeFileAtomic(
  dest: string,
  data: AsyncIterable<Buffer> | Buffer,
  mode = 0o644,
): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempSibling(dest);
  try {
    const source = Buffer.isBuffer(data) ? Readable.from([data]) : Readable.from(data);
    await pipeline(source, createWriteStream(tmp, { mode }));
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    pending.delete(tmp);
  }
}

/**
 * Builds a directory atomically: `fill` writes into a temporary sibling which replaces `dest` (which must
 * not exist) only when `fill` succeeds. On failure the temporary directory is removed.
 */
export async function buildDirAtomic(dest: string, fill: (dir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempSibling(dest);
  await mkdir(tmp);
  try {
    await fill(tmp);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    pending.delete(tmp);
  }
}
