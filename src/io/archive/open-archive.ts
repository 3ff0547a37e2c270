// Opens an archive file for reading: plain tar directly; gzip- or zstd-compressed tars (`docker save | gzip`)
// are first decompressed to a private temporary file in $TMPDIR, removed when the caller's scope closes
// (else when the process exits). The
// decompressed stream is checked while it is written: it must start like an image archive (archive-head.ts)
// and stay within LIMITS.archiveBytes and the space free in $TMPDIR, so a compression bomb is refused after
// its first block or at the bound, and its partial copy removed at once.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Compression, decompress, detectCompression } from '../../compress/index.ts';
import { LIMITS, limitError } from '../../oci/index.ts';
import {
  asSystemError,
  errnoOf,
  fileTypeName,
  isPithError,
  messageOf,
  openRegularFile,
  PithError,
  type Scope,
  withSourceErrors,
  writeFileAtomic,
} from '../../util/index.ts';
import { type FileSource, fileChunks, tarSource } from '../file-source.ts';
import { checkArchiveHead } from './archive-head.ts';

const temps = new Set<string>();
process.once('exit', () => {
  for (const t of temps) rmSync(t, { force: true });
});

export interface OpenArchiveOptions {
  /** The most bytes a compressed archive may decompress to (default LIMITS.archiveBytes). */
  maxBytes?: number;
  /** Where the decompressed copy is written (default: os.tmpdir(), i.e. $TMPDIR). */
  tmpDir?: string;
  /** Removes the decompressed copy when it closes (the operation reading the archive is over). */
  scope?: Scope | undefined;
  /** Stops decompressing; the partial copy is removed. */
  signal?: AbortSignal | undefined;
}

/** A FileSource over an archive file (`name` is how messages call it), decompressing it first if needed. */
export async function openArchive(
  file: string,
  name = file,
  opts: OpenArchiveOptions = {},
): Promise<FileSource> {
  const kind = await tarCompression(file, name, ARCHIVE);
  return kind === 'none' ? tarSource(file, name) : spool(file, name, kind, opts);
}

/** How messages call the file a tar stream is read from: an image archive, or a root file system tarball. */
export interface TarFileKind {
  /** `an archive file`, `a tarball`. */
  singular: string;
  /** `archives`, `tarballs`. */
  plural: string;
  /** Added when the path is a directory (what the user may have meant). */
  directoryHint?: (file: string) => string;
}

const ARCHIVE: TarFileKind = {
  singular: 'an archive file',
  plural: 'archives',
  directoryHint: (file) => ` (a layout directory is read as oci:${file})`,
};

/**
 * The compression of a tar file (gzip, zstd or none), from its first bytes; xz and bzip2 are refused. The
 * path must be a regular file: a directory, FIFO or device is refused, and opening never waits on a FIFO.
 */
export async function tarCompression(file: string, name: string, kind: TarFileKind): Promise<Compression> {
  const found = detectCompression(await readHead(file, name, kind));
  if (found === 'xz' || found === 'bzip2') {
    throw new PithError(
      'input',
      'UNSUPPORTED_COMPRESSION',
      `${name}: ${found}-compressed ${kind.plural} are not supported; decompress it first`,
    );
  }
  return found;
}

/** The first bytes of the file (enough to tell its compression). */
async function readHead(file: string, name: string, kind: TarFileKind): Promise<Buffer> {
  const opened = await openRegularFile(file).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT')
      throw new PithError('input', 'NO_SUCH_FILE', `${name}: no such file or directory`);
    throw asSystemError(err, { where: name, action: `read ${file}` });
  });
  if ('other' in opened) {
    const hint = opened.other.isDirectory() ? (kind.directoryHint?.(file) ?? '') : '';
    throw new PithError(
      'input',
      'NOT_A_FILE',
      `${name}: is ${fileTypeName(opened.other)}, not ${kind.singular}${hint}`,
    );
  }
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await opened.fh.read(buf, 0, 8, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    throw asSystemError(err, { where: name, action: `read ${file}` });
  } finally {
    await opened.fh.close();
  }
}

/** Decompresses to a temporary file, checking the stream as it goes; the copy is read as a plain tar. */
async function spool(file: string, name: string, kind: Compression, opts: OpenArchiveOptions) {
  const dir = opts.tmpDir ?? tmpdir();
  const budget = await spoolBudget(dir, opts.maxBytes ?? LIMITS.archiveBytes.max);
  const tmp = join(dir, `pith-archive-${randomBytes(6).toString('hex')}.tar`);
  temps.add(tmp);
  opts.scope?.defer(async () => {
    temps.delete(tmp);
    await rm(tmp, { force: true });
  });
  await writeFileAtomic(tmp, checked(decompress(fileChunks(file, name), kind), name, kind, budget), {
    mode: 0o600,
    signal: opts.signal,
  });
  return tarSource(tmp, name);
}

/** How much may be decompressed: the limit, or less when $TMPDIR has less space free. */
interface Budget {
  max: number;
  /** The directory whose free space is the bound, when it is smaller than the limit. */
  freeIn?: string;
}

async function spoolBudget(dir: string, limit: number): Promise<Budget> {
  const s = await statfs(dir).catch((err: unknown) => {
    throw asSystemError(err, { action: `use the temporary directory ${dir} (TMPDIR)` });
  });
  const free = s.bavail * s.bsize;
  // a file system that reports no size at all (tmpfs with size=0 is unlimited) bounds nothing
  return s.blocks > 0 && free < limit ? { max: free, freeIn: dir } : { max: limit };
}

/**
 * Passes decompressed chunks on while checking the first block (archive-head.ts) and the running total;
 * a stream that does not decompress is a broken archive, named as such.
 */
async function* checked(
  chunks: AsyncIterable<Buffer>,
  name: string,
  kind: Compression,
  budget: Budget,
): AsyncIterable<Buffer> {
  const undecodable = (err: unknown) =>
    isPithError(err)
      ? err
      : new PithError(
          'invalid',
          'BAD_ARCHIVE',
          `${name}: does not decompress as ${kind}: ${messageOf(err)}`,
          {
            cause: err,
          },
        );
  let head: Buffer | undefined = Buffer.alloc(0);
  let total = 0;
  for await (const c of withSourceErrors(chunks, undecodable)) {
    total += c.length;
    if (total > budget.max) throw overBudget(name, budget);
    if (head === undefined) yield c;
    else {
      head = Buffer.concat([head, c]);
      if (head.length < 512) continue;
      checkArchiveHead(head, name);
      yield head;
      head = undefined;
    }
  }
  if (head !== undefined) checkArchiveHead(head, name);
}

function overBudget(name: string, budget: Budget): PithError {
  if (budget.freeIn)
    return new PithError(
      'io',
      'NO_SPACE',
      `${name}: decompresses to more than the ${budget.max} bytes free in ${budget.freeIn}; free some space or set TMPDIR to a larger file system`,
      { details: { free: budget.max, dir: budget.freeIn } },
    );
  const limit = LIMITS.archiveBytes;
  return limitError(name, `decompresses to more than ${budget.max} bytes, the limit for ${limit.what}`, {
    ...limit,
    max: budget.max,
  });
}
