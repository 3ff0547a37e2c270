// A content-addressed download cache (XDG cache dir, `pith/sha256/<hex>`). Entries are written to a
// temporary name and renamed (a streamed one linked, keeping a good file already there: putStream), so
// concurrent builds sharing the cache only ever see complete files, and are re-hashed on every read: a
// tampered or truncated cache entry is discarded, never used. Named entries
// (`pith/refs/<sha256 of the name>`, e.g. a suite's InRelease URL) point at content by its sha256, so the
// last verified copy of a mutable file can be found offline; whoever reads one verifies it again. Large
// entries (layer blobs) are written and checked as streams, never held whole (putStream, holds).
// Trust: content is re-hashed on every read, so corruption is never used; only `holds`, asked again about an
// entry it hashed before, believes its record of that file instead when the file is unchanged since: the
// same device, inode, size, mtime and ctime (as git and ccache decide that a file is unchanged). A write
// moves ctime to its own time, which userspace cannot set back; the record is only made for a file whose
// ctime was over STAMP_AGE old when it was hashed, so a write in the same clock tick as the file's making,
// before the hash, is caught by the hash, and one after it leaves another ctime. What pith derives and keeps here
// (compact Packages indexes, layer records, decoded members, good signatures) is the cache owner's own
// state, trusted as apt trusts its lists once verified (a compact index is even read in place, unhashed:
// namedPath): share a cache directory only between builds that trust each other, and a registry
// (`--cache-repo`, verified on every read) across trust boundaries.
import { createHash } from 'node:crypto';
import { type BigIntStats, createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { settleTemp, tempSibling, withSourceErrors, writeFileAtomic } from './atomic-write.ts';
import { streamed } from './buffer-garbage.ts';
import { sha256 } from './digest.ts';
import { messageOf, PithError } from './errors.ts';
import { counting } from './streams.ts';
import { asSystemError } from './system-error.ts';

/** The default cache directory: $XDG_CACHE_HOME/pith or ~/.cache/pith. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'pith');
}

export class ContentCache {
  readonly dir: string;

  constructor(dir: string = defaultCacheDir()) {
    this.dir = dir;
  }

  #path(sha256: string): string {
    return join(this.dir, 'sha256', sha256);
  }

  /** The file holding an entry (for an entry `holds` has just checked: e.g. to copy it as it is). */
  file(sha256: string): string {
    return this.#path(sha256);
  }

  /** The entry's bytes as a stream (for an entry `holds` has just checked). */
  open(sha256: string): AsyncIterable<Buffer> {
    return createReadStream(this.#path(sha256), { highWaterMark: 1 << 20 });
  }

  /**
   * The entry's bytes as a stream hashed as it is read: one that does not end with the bytes the entry
   * must hold (changed since it was checked) fails at its end, so nothing made from it is kept.
   */
  async *openChecked(sha256: string, size: number): AsyncIterable<Buffer> {
    const h = createHash('sha256');
    let read = 0;
    try {
      for await (const c of this.open(sha256) as AsyncIterable<Buffer>) {
        read += c.length;
        h.update(c);
        streamed(c.length);
        yield c;
      }
    } catch (err) {
      throw asSystemError(err, { action: `read the cache entry ${this.#path(sha256)}` });
    }
    if (read !== size || h.digest('hex') !== sha256)
      throw new PithError(
        'io',
        'CACHE_CHANGED',
        `${this.#path(sha256)} changed while it was read; build again`,
      );
  }

  /** Whether the cache has a file of this size under this sha256: not read (whoever reads it hashes it). */
  async sized(sha256: string, size: number): Promise<boolean> {
    const s = await stat(this.#path(sha256)).catch(() => undefined);
    return s?.isFile() === true && s.size === size;
  }

  /**
   * Whether the cache holds this content, of this size, read and hashed now (streamed), or unchanged since
   * it last was (`checked/<sha256>` records the file then: see the header). A corrupt or truncated entry is
   * removed, so that the caller makes it again.
   */
  async holds(sha256: string, size: number): Promise<boolean> {
    const path = this.#path(sha256);
    const before = await stat(path, { bigint: true }).catch(() => undefined);
    if (!before) return false;
    if (await this.#unchanged(sha256, size, before)) return true;
    const h = createHash('sha256');
    let read = 0;
    try {
      for await (const c of this.open(sha256) as AsyncIterable<Buffer>) {
        read += c.length;
        if (read > size) break;
        h.update(c);
        streamed(c.length);
      }
    } catch {
      return false;
    }
    if (read === size && h.digest('hex') === sha256) {
      await this.#stamp(sha256, before);
      return true;
    }
    // another build may have replaced the bad file with a good one meanwhile: remove only what was read
    const now = await stat(path, { bigint: true }).catch(() => undefined);
    if (now && now.ino === before.ino && now.dev === before.dev) await rm(path, { force: true });
    return false;
  }

  /**
   * Stores a stream under the sha256 it hashes to (computed while it is written), and returns that hash
   * and the size. The bytes go to a temporary file first, renamed into place when complete.
   */
  async putStream(
    source: AsyncIterable<Buffer>,
    signal?: AbortSignal,
  ): Promise<{ sha256: string; size: number }> {
    const dir = join(this.dir, 'sha256');
    // the file system's failures name the cache; the source's own pass through as they are
    const cacheError = (err: unknown) => this.#unwritable(err);

    await mkdir(dir, { recursive: true }).catch((err: unknown) => Promise.reject(cacheError(err)));
    const tmp = tempSibling(join(dir, 'incoming'), signal);
    const h = createHash('sha256');
    let size = 0;
    const fromSource = new WeakSet<object>();
    const marked = withSourceErrors(source, (err) => {
      if (typeof err === 'object' && err !== null) fromSource.add(err);
      return err;
    });
    const counted = counting(marked, (c) => {
      h.update(c);
      size += c.length;
    });
    try {
      await pipeline(counted, createWriteStream(tmp), { signal });
      const sha256 = h.digest('hex');
      await this.#place(tmp, sha256, size);
      return { sha256, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw fromSource.has(err as object) || signal?.aborted ? err : cacheError(err);
    } finally {
      settleTemp(tmp);
    }
  }

  /**
   * Puts a complete temporary file in place under its sha256, keeping a good file already there: an entry's
   * file, once in place, is not replaced by an identical one, so a reader that hashed it and reads parts of it
   * later (readTarFile's spans, which check the inode) still finds the file it hashed. A bad file there is
   * replaced. Where the file system has no hard links, the file is renamed into place.
   */
  async #place(tmp: string, sha256: string, size: number): Promise<void> {
    const dest = this.#path(sha256);
    // twice at most: a bad file found there is removed (holds), and the link tried again
    for (let attempt = 0; attempt < 2; attempt++) {
      const code = await link(tmp, dest).then(
        () => undefined,
        (err: NodeJS.ErrnoException) => err.code ?? 'EIO',
      );
      if (code === undefined || (code === 'EEXIST' && (await this.holds(sha256, size)))) {
        await rm(tmp, { force: true });
        return;
      }
      if (code !== 'EEXIST') break; // no hard links here: renamed, below, unless a good file is there
    }
    if ((await stat(dest).catch(() => undefined)) && (await this.holds(sha256, size))) {
      await rm(tmp, { force: true });
      return;
    }
    await rename(tmp, dest);
  }

  /**
   * Has `write` fill a temporary file in the cache (a download, never held whole) and puts it in place under
   * `sha256` when `write` resolves true, having checked the bytes it wrote; returns whether it did. The
   * temporary is removed otherwise, and when `write` fails (its error passes through).
   */
  async putFile(sha256: string, size: number, write: (tmp: string) => Promise<boolean>): Promise<boolean> {
    const dir = join(this.dir, 'sha256');
    await mkdir(dir, { recursive: true }).catch((err: unknown) => Promise.reject(this.#unwritable(err)));
    const tmp = tempSibling(join(dir, 'incoming'));
    try {
      if (!(await write(tmp))) return false;
      await this.#place(tmp, sha256, size).catch((err: unknown) => Promise.reject(this.#unwritable(err)));
      return true;
    } finally {
      await rm(tmp, { force: true });
      settleTemp(tmp);
    }
  }

  /** The cached bytes with this sha256, or undefined if absent or corrupt (corrupt entries are removed). */
  async get(sha256: string): Promise<Buffer | undefined> {
    const bytes = await readFile(this.#path(sha256)).catch(() => undefined);
    if (!bytes) return undefined;
    if (sha256Hex(bytes) === sha256) return bytes;
    await rm(this.#path(sha256), { force: true });
    return undefined;
  }

  /** Stores bytes whose sha256 the caller has already verified. */
  async put(sha256: string, bytes: Buffer): Promise<void> {
    await writeAtomic(join(this.dir, 'sha256'), sha256, bytes).catch((err: unknown) =>
      Promise.reject(this.#unwritable(err)),
    );
  }

  /** Removes an entry (one refused by its reader). */
  async drop(sha256: string): Promise<void> {
    await rm(this.#path(sha256), { force: true });
  }

  /** A failure to write the cache, as CACHE_UNWRITABLE naming the cache (callers may go on without it). */
  #unwritable(err: unknown): PithError {
    const sys = asSystemError(err, { action: `write the cache ${this.dir}`, writing: true });
    return new PithError('io', 'CACHE_UNWRITABLE', messageOf(sys), { cause: sys });
  }

  /** The bytes last stored under a name (undefined if none, or if the content is gone or corrupt). */
  async getNamed(name: string): Promise<Buffer | undefined> {
    const ref = await this.#ref(name);
    return ref ? this.get(ref) : undefined;
  }

  async #ref(name: string): Promise<string | undefined> {
    const ref = await readFile(join(this.dir, 'refs', sha256Hex(name)), 'utf8').catch(() => undefined);
    return ref && /^[0-9a-f]{64}$/.test(ref) ? ref : undefined;
  }

  /**
   * The file a name points at, not read or hashed: only for derived state the reader checks as it parses
   * (a compact index, read in parts), never for downloads. Undefined if the name or its file is missing.
   */
  async namedPath(name: string): Promise<string | undefined> {
    return (await this.namedFile(name))?.path;
  }

  /**
   * What `read` makes of an entry's file, if the file holds that content: `read` is given a tap to show each
   * piece it reads, which is hashed, unless the file is unchanged since it last hashed right (as `holds`
   * decides), when it is given none and nothing is hashed. Undefined if the file is missing or what was read
   * does not hash to `sha256` (the caller asks `holds`, which removes a bad file); `read`'s errors pass.
   */
  async readChecked<T>(
    sha256: string,
    size: number,
    read: (tap?: (piece: Buffer) => void) => Promise<T>,
  ): Promise<T | undefined> {
    const before = await stat(this.#path(sha256), { bigint: true }).catch(() => undefined);
    if (!before) return undefined;
    if (await this.#unchanged(sha256, size, before)) return read();
    const h = createHash('sha256');
    let n = 0;
    const result = await read((piece) => {
      h.update(piece);
      n += piece.length;
    });
    if (n !== size || h.digest('hex') !== sha256) return undefined;
    await this.#stamp(sha256, before);
    return result;
  }

  /** Whether `checked/` records the file (`before`) as it is now, of `size` bytes, after it hashed right. */
  async #unchanged(sha256: string, size: number, before: BigIntStats): Promise<boolean> {
    if (before.size !== BigInt(size)) return false;
    return (await readFile(join(this.dir, 'checked', sha256), 'utf8').catch(() => '')) === stampOf(before);
  }

  /**
   * Records the file as it was (`before`) when it was read and hashed right, once its ctime is old enough,
   * and only if it still is that file: one replaced between the stat and the read, or since, is not.
   */
  async #stamp(sha256: string, before: BigIntStats): Promise<void> {
    if (before.ctimeNs >= BigInt(Date.now() - STAMP_AGE_MS) * 1_000_000n) return;
    const now = await stat(this.#path(sha256), { bigint: true }).catch(() => undefined);
    if (!now || stampOf(now) !== stampOf(before)) return;
    await writeAtomic(join(this.dir, 'checked'), sha256, Buffer.from(stampOf(before))).catch(() => undefined);
  }

  /**
   * The entry a name points at, not read or hashed (its sha256 is what it must hash to; whoever streams it
   * checks that), with the file holding it and that file's size. Undefined if the name or its file is
   * missing.
   */
  async namedFile(name: string): Promise<{ sha256: string; path: string; size: number } | undefined> {
    const ref = await this.#ref(name);
    if (!ref) return undefined;
    const path = this.#path(ref);
    const s = await stat(path).catch(() => undefined);
    return s?.isFile() ? { sha256: ref, path, size: s.size } : undefined;
  }

  /** Stores bytes and points a name at them, replacing what the name pointed at before. */
  async putNamed(name: string, bytes: Buffer): Promise<void> {
    const sha256 = sha256Hex(bytes);
    await this.put(sha256, bytes);
    await this.#point(name, sha256);
  }

  /**
   * Stores a stream (hashed as it is written, never held whole) and points a name at it, replacing what the
   * name pointed at before; returns the file holding it.
   */
  async putNamedStream(name: string, source: AsyncIterable<Buffer>): Promise<string> {
    const { sha256 } = await this.putStream(source);
    await this.#point(name, sha256);
    return this.#path(sha256);
  }

  async #point(name: string, sha256: string): Promise<void> {
    await writeAtomic(join(this.dir, 'refs'), sha256Hex(name), Buffer.from(sha256)).catch((err: unknown) =>
      Promise.reject(this.#unwritable(err)),
    );
  }
}

function sha256Hex(data: string | Buffer): string {
  return sha256(data).slice('sha256:'.length);
}

function writeAtomic(dir: string, name: string, bytes: Buffer): Promise<void> {
  return writeFileAtomic(join(dir, name), bytes);
}

/** How old a file's ctime must be when it is hashed for `holds` to record it (see the header). */
const STAMP_AGE_MS = 2000;

/** What `holds` records of a file: what a write to it, or its replacement, changes. */
function stampOf(s: BigIntStats): string {
  return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(' ');
}
