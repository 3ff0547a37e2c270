// Read access to a file hierarchy that may be a directory or a tar archive: the one interface the
// layout and docker-archive readers need, so directories and archives share their parsing code. Whole-file
// reads are bounded (the caller names the limit, checked before reading), and only regular files are read:
// a FIFO, a device or a symlink to one inside an untrusted layout is refused, never waited on.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSize, LIMITS, type Limit, limitError } from '../oci/index.ts';
import { indexTarFile } from '../tar/index.ts';
import {
  asSystemError,
  errnoOf,
  fileTypeName,
  openRegularFile,
  PithError,
  readAtMost,
} from '../util/index.ts';
import { ioError } from './error-codes.ts';

export interface FileSource {
  /** Human name for messages (`oci:out/hello`, `hello.tar`). */
  readonly name: string;
  /** Whole file, or undefined when absent; refused when larger than `limit`. */
  read(path: string, limit: Limit): Promise<Buffer | undefined>;
  /** Streams a file; fails if absent. */
  open(path: string): AsyncIterable<Buffer>;
  /** Size of a file, or undefined when absent. */
  size(path: string): Promise<number | undefined>;
}

/** A directory on disk. */
export function dirSource(root: string, name = root): FileSource {
  return {
    name,
    read: async (p, limit) => {
      const fh = await openMember(root, p, name);
      if (!fh) return undefined;
      try {
        return await readBounded(fh, p, limit, name);
      } catch (err) {
        throw asSystemError(err, { where: name, action: `read ${p}` });
      } finally {
        await fh.close();
      }
    },
    open: (p) => streamMember(root, p, name),
    size: async (p) =>
      stat(join(root, p)).then(
        (s) => (s.isFile() ? s.size : undefined),
        () => undefined,
      ),
  };
}

/**
 * Opens a member of a directory for reading; undefined when absent. Non-blocking, so a FIFO is seen for
 * what it is instead of waiting for a writer; anything but a regular file is refused as a broken image.
 */
async function openMember(root: string, p: string, name: string): Promise<FileHandle | undefined> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(join(root, p));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw asSystemError(err, { where: name, action: `read ${p}` });
  }
  if ('fh' in opened) return opened.fh;
  throw ioError('MEMBER_NOT_A_FILE', `${name}: ${p} is ${fileTypeName(opened.other)}, not a regular file`);
}

/** Reads at most `limit` bytes (files that grow, or under-report their size like /proc, are caught too). */
async function readBounded(fh: FileHandle, p: string, limit: Limit, name: string): Promise<Buffer> {
  checkSize((await fh.stat()).size, limit, name, p);
  const bytes = await readAtMost(fh, limit.max);
  checkSize(bytes.length, limit, name, p);
  return bytes;
}

/** Streams a member of a directory; a missing member is a broken image, as in an archive. */
async function* streamMember(root: string, p: string, name: string): AsyncIterable<Buffer> {
  const fh = await openMember(root, p, name);
  if (!fh) throw missingMember(name, p);
  try {
    for await (const c of fh.createReadStream({ autoClose: false })) yield c as Buffer;
  } catch (err) {
    throw asSystemError(err, { where: name, action: `read ${p}` });
  } finally {
    await fh.close();
  }
}

function missingMember(name: string, p: string): PithError {
  return new PithError('invalid', 'MISSING_MEMBER', `${name}: no file ${p}`);
}

/** An uncompressed tar archive on disk, indexed once; members are read with positional streams. */
export async function tarSource(file: string, name = file): Promise<FileSource> {
  const members = new Map<string, { offset: number; size: number }>();
  const limit = LIMITS.archiveMembers;
  const entries = await indexTarFile(file, {
    maxEntries: limit.max,
    onTooMany: (max) => limitError(name, `has more than ${max} members (the limit for ${limit.what})`, limit),
  });
  for (const e of entries) {
    if (e.type === 'file') members.set(e.path, { offset: e.offset, size: e.size });
    else if (e.type === 'hardlink' && e.linkTarget) {
      const target = members.get(e.linkTarget);
      if (target) members.set(e.path, target);
    }
  }
  const member = (p: string) => members.get(p.replace(/^\.\//, ''));
  const open = (p: string): AsyncIterable<Buffer> => {
    const m = member(p);
    if (!m) throw missingMember(name, `${p} in the archive`);
    return m.size === 0 ? (async function* () {})() : fileChunks(file, name, m);
  };
  return {
    name,
    read: async (p, limit) => {
      const m = member(p);
      if (!m) return undefined;
      checkSize(m.size, limit, name, p);
      const parts: Buffer[] = [];
      for await (const c of open(p)) parts.push(c);
      return Buffer.concat(parts);
    },
    open,
    size: async (p) => member(p)?.size,
  };
}

/** Streams a file on disk (or `size` bytes of it at `offset`), with read failures named after `name`. */
export async function* fileChunks(
  file: string,
  name: string,
  range?: { offset: number; size: number },
): AsyncIterable<Buffer> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(file, 'r');
    const at = range ? { start: range.offset, end: range.offset + range.size - 1 } : {};
    for await (const c of fh.createReadStream({ ...at, autoClose: false })) yield c as Buffer;
  } catch (err) {
    throw asSystemError(err, { where: name, action: `read ${file}` });
  } finally {
    await fh?.close();
  }
}
