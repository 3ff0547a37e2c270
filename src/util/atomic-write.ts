// Atomic outputs: everything is written beside the destination under a temporary name and renamed into
// place only when complete, so a failed or interrupted write never leaves a partial output behind. Failures
// of the file system (a parent that is a file, a read-only or full disk, /proc) become one clear error
// naming the destination; failures of the data being written pass through as they are.
import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, rmSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, parse, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { abortedError } from './abort.ts';
import { PithError } from './errors.ts';
import { asSystemError, errnoOf, fileTypeName } from './system-error.ts';

/**
 * Temporary paths being written now, by any caller in this process: `removePendingTemps` removes them when
 * the process must end at once (a second Ctrl-C). Cancelling one operation is its AbortSignal's job.
 */
const pending = new Set<string>();

export interface AtomicWriteOptions {
  /** File mode of the result (default 0o644). */
  mode?: number;
  /** Aborting stops the write; the temporary file is removed and nothing appears at the destination. */
  signal?: AbortSignal | undefined;
}

/** Code points of the destination's name kept in a temporary name, so it stays within NAME_MAX (255 bytes). */
const TEMP_NAME_KEEP = 48;

/** A sibling temporary path for `dest` (same directory, so rename is atomic), tracked until settled. */
export function tempSibling(dest: string, signal?: AbortSignal): string {
  if (signal?.aborted) throw abortedError(signal, `not writing ${dest}`);
  const name = Array.from(basename(dest)).slice(0, TEMP_NAME_KEEP).join('');
  const tmp = join(dirname(dest), `.${name}.pith-${randomBytes(6).toString('hex')}.tmp`);
  pending.add(tmp);
  return tmp;
}

/** Stops tracking a temporary path from `tempSibling` (it was renamed into place or removed). */
export function settleTemp(tmp: string): void {
  pending.delete(tmp);
}

/** Removes every temporary output in progress (the process is about to exit): synchronous on purpose. */
export function removePendingTemps(): void {
  // The set is kept: file system calls already queued on the thread pool may still re-create a path, so
  // an exit handler calls this again after they have settled (see cli/main.ts).
  for (const t of pending) rmSync(t, { recursive: true, force: true });
}

/** Writes a stream to `dest` atomically: temp file, fsync-free rename; removes the temp file on failure. */
export async function writeFileAtomic(
  dest: string,
  data: AsyncIterable<Buffer> | Buffer,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  if (opts.signal?.aborted) throw abortedError(opts.signal, `not writing ${dest}`);
  await makeParentDir(dest);
  const tmp = tempSibling(dest, opts.signal);
  const fromData = new WeakSet<object>();
  try {
    const mark = (err: unknown) => {
      if (typeof err === 'object' && err !== null) fromData.add(err);
      return err;
    };
    const source = Buffer.isBuffer(data)
      ? Readable.from([data])
      : Readable.from(withSourceErrors(data, mark), { objectMode: false });
    await pipeline(source, createWriteStream(tmp, { mode: opts.mode ?? 0o644 }), { signal: opts.signal });
    opts.signal?.throwIfAborted();
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    if (opts.signal?.aborted) throw abortedError(opts.signal, `not writing ${dest}`);
    throw fromData.has(err as object) ? err : writeError(err, dest);
  } finally {
    pending.delete(tmp);
  }
}

/**
 * Copies a file to `dest` atomically (0644), letting the kernel move the bytes: a reflink where the file
 * system has them, else copy_file_range. Nothing reads or hashes them here: only for a file just checked.
 */
export async function copyFileAtomic(src: string, dest: string, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw abortedError(signal, `not writing ${dest}`);
  await makeParentDir(dest);
  const tmp = tempSibling(dest, signal);
  try {
    await copyFile(src, tmp, constants.COPYFILE_FICLONE);
    await chmod(tmp, 0o644);
    signal?.throwIfAborted();
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    if (signal?.aborted) throw abortedError(signal, `not writing ${dest}`);
    throw writeError(err, dest);
  } finally {
    pending.delete(tmp);
  }
}

/**
 * The chunks of `data`, with the errors `data` itself raises passed through `onError`. Only the source's
 * own `next()` is watched: a failure that a consuming stream throws back in at `yield` (a write error) is
 * not the source's and passes unchanged.
 */
export async function* withSourceErrors(
  data: AsyncIterable<Buffer>,
  onError: (err: unknown) => unknown,
): AsyncIterable<Buffer> {
  const it = data[Symbol.asyncIterator]();
  try {
    for (;;) {
      const r = await it.next().catch((err: unknown) => Promise.reject(onError(err)));
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * Builds a directory atomically: `fill` writes into a temporary sibling which replaces `dest` (which must
 * not exist) only when `fill` succeeds. On failure the temporary directory is removed.
 */
export async function buildDirAtomic(
  dest: string,
  fill: (dir: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) throw abortedError(signal, `not writing ${dest}`);
  await makeParentDir(dest);
  const tmp = tempSibling(dest, signal);
  try {
    await mkdir(tmp).catch((err: unknown) => Promise.reject(writeError(err, dest)));
    await fill(tmp);
    signal?.throwIfAborted();
    await rename(tmp, dest).catch((err: unknown) => Promise.reject(writeError(err, dest)));
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (signal?.aborted) throw abortedError(signal, `not writing ${dest}`);
    throw inDestination(err, tmp, dest);
  } finally {
    pending.delete(tmp);
  }
}

/** Creates the parent directories of `dest`; a parent that exists as something else is named. */
async function makeParentDir(dest: string): Promise<void> {
  try {
    await mkdir(dirname(dest), { recursive: true });
  } catch (err) {
    const code = errnoOf(err);
    const blocker =
      code === 'EEXIST' || code === 'ENOTDIR' ? await firstNonDirectory(dirname(dest)) : undefined;
    if (blocker)
      throw new PithError(
        'input',
        'NOT_A_DIRECTORY',
        `cannot create ${dest}: ${blocker.path} is ${blocker.type}, not a directory`,
        { cause: err, details: { path: blocker.path } },
      );
    throw writeError(err, dest);
  }
}

/** The first ancestor (from the top) of `dir` that exists and is not a directory. */
async function firstNonDirectory(dir: string): Promise<{ path: string; type: string } | undefined> {
  const root = parse(dir).root;
  let path = root;
  for (const part of relative(root, dir).split(sep)) {
    path = join(path, part);
    const s = await stat(path).catch(() => undefined);
    if (!s) return undefined;
    if (!s.isDirectory()) return { path, type: fileTypeName(s) };
  }
  return undefined;
}

/** A failure inside a temporary directory, told in terms of the destination it stands for. */
function inDestination(err: unknown, tmp: string, dest: string): unknown {
  if (!(err instanceof PithError) || !err.message.includes(tmp)) return err;
  return new PithError(err.kind, err.code, err.message.replaceAll(tmp, dest), {
    cause: err.cause,
    details: err.details,
  });
}

/** A file system failure while writing `dest`, named after the destination (never the temporary path). */
function writeError(err: unknown, dest: string): unknown {
  return asSystemError(err, { action: `write ${dest}`, writing: true });
}
