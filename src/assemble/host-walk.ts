// Copies one host file or directory (already resolved inside the build context) into a FileTree.
// Directories are walked recursively with names read as raw bytes, so a name that is not UTF-8 reaches the
// layer exactly (tar/name-bytes.ts); symlinks inside a directory are stored as symlinks, never followed, so
// they cannot pull host content in; hardlinks stay hardlinks; FIFOs, sockets and devices are refused. A
// regular file's first bytes are checked against the image architecture (elf-arch.ts); its content is read
// only when the layer is written.
import type { Stats } from 'node:fs';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
} from 'node:fs';
import type { Arch } from '../config/index.ts';
import { ELF_HEADER_BYTES } from '../rootfs/index.ts';
import { nameFromBytes, type TreeNode } from '../tar/index.ts';
import { fileTypeName, type PithError } from '../util/index.ts';
import { elfMismatch } from './elf-arch.ts';
import { defaultMode } from './host-mode.ts';
import type { Owner } from './owner.ts';

/** Where the walk puts what it finds, and how it reports a problem with the source. */
export interface WalkSink {
  /** Adds a node at a normalised image path. */
  add(path: string, node: TreeNode): void;
  /** An error located at the entry's `src`. */
  fail(code: string, why: string): PithError;
  /** A system error met while doing `action` for the entry's `src`, located there (field-error.ts). */
  systemError(action: string, cause: unknown): unknown;
}

export interface WalkOptions {
  owner: Owner;
  /** The entry's explicit mode, which wins over the host's. */
  mode: number | undefined;
  arch: Arch;
  /** Leaves out what these rules exclude (paths relative to the walked directory), as Docker does a context. */
  exclude?: { ignores(rel: string): boolean; prunable: boolean };
}

const SEP = Buffer.from('/');

/** Opening never follows a symlink: one swapped in after the walk cannot pull host content in. */
const READ = constants.O_RDONLY | constants.O_NOFOLLOW;

/** Copies a host hierarchy, remembering inodes so that hardlinks stay hardlinks. */
export class HostWalk {
  readonly #inodes = new Map<string, string>();
  readonly #sink: WalkSink;
  readonly #opts: WalkOptions;

  constructor(sink: WalkSink, opts: WalkOptions) {
    this.#sink = sink;
    this.#opts = opts;
  }

  /** Synchronous walk: per-call async fs overhead dominated collecting many small files (see hostContent). */
  directory(host: Buffer, path: string, st: Stats, rel = '', excluded = false): void {
    if (!excluded) {
      this.#sink.add(path, {
        type: 'dir',
        mode: this.#opts.mode ?? defaultMode(st.mode, true),
        ...this.#opts.owner,
        mtime: Math.floor(st.mtimeMs / 1000),
        size: 0,
      });
    }
    const names = this.#fs(host, () => readdirSync(host, { encoding: 'buffer' }));
    const exclude = this.#opts.exclude;
    for (const name of names.sort(Buffer.compare)) {
      const child = Buffer.concat([host, SEP, name]);
      const childRel = rel === '' ? nameFromBytes(name) : `${rel}/${nameFromBytes(name)}`;
      const out = exclude?.ignores(childRel) ?? false;
      const cs = this.#fs(child, () => lstatSync(child));
      // an excluded directory is still walked when a `!` pattern could bring back something below it
      if (out && (!cs.isDirectory() || exclude?.prunable)) continue;
      const childPath = path === '' ? nameFromBytes(name) : `${path}/${nameFromBytes(name)}`;
      if (cs.isDirectory()) this.directory(child, childPath, cs, childRel, out);
      else if (cs.isSymbolicLink()) this.#symlink(child, childPath, cs);
      else this.file(child, childPath, cs);
    }
  }

  file(host: Buffer, path: string, st: Stats): void {
    if (!st.isFile()) {
      throw this.#sink.fail(
        'UNSUPPORTED_FILE',
        `${host} is ${fileTypeName(st)}; only regular files, directories and symlinks can be copied`,
      );
    }
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? this.#inodes.get(key) : undefined;
    const common = { ...this.#opts.owner, mtime: Math.floor(st.mtimeMs / 1000) };
    const mode = this.#opts.mode ?? defaultMode(st.mode, false);
    if (first !== undefined) {
      this.#sink.add(path, { type: 'hardlink', mode, ...common, size: 0, linkTarget: first });
      return;
    }
    this.#checkArch(host, path, st);
    if (st.nlink > 1) this.#inodes.set(key, path);
    this.#sink.add(path, {
      type: 'file',
      mode,
      ...common,
      size: st.size,
      content: () => toAsync(this.#content(host, st)),
    });
  }

  #symlink(host: Buffer, path: string, st: Stats): void {
    const target = this.#fs(host, () => readlinkSync(host, { encoding: 'buffer' }));
    this.#sink.add(path, {
      type: 'symlink',
      mode: 0o777,
      ...this.#opts.owner,
      mtime: Math.floor(st.mtimeMs / 1000),
      size: 0,
      linkTarget: nameFromBytes(target),
    });
  }

  /** Refuses an ELF executable or shared object built for another architecture than the image's. */
  #checkArch(host: Buffer, path: string, st: Stats): void {
    if (st.size < ELF_HEADER_BYTES) return;
    const head = this.#fs(host, () => readHead(host, ELF_HEADER_BYTES));
    const why = elfMismatch(head, this.#opts.arch);
    if (why) throw this.#sink.fail('WRONG_ARCHITECTURE', `${host} (/${path} in the image) ${why}`);
  }

  /**
   * The file's bytes when its layer is written, which is later than the walk: the file opened then must be
   * the one walked (same device, inode and size), so a path swapped meanwhile (a directory replaced by a
   * symlink out of the context) is refused, never followed.
   */
  *#content(host: Buffer, walked: Stats): Iterable<Buffer> {
    const fd = this.#fs(host, () => openSync(host, READ));
    const now = this.#fs(host, () => fstatSync(fd));
    if (now.dev !== walked.dev || now.ino !== walked.ino || now.size !== walked.size) {
      closeSync(fd);
      throw this.#sink.fail(
        'SOURCE_CHANGED',
        `${host} changed while the image was built (it is not the file that was read before)`,
      );
    }
    try {
      yield* hostContent(fd, walked.size);
    } catch (cause) {
      throw this.#unreadable(host, cause);
    }
  }

  /** Runs a host fs call, turning its failure into one line at the entry's `src` naming the host path. */
  #fs<T>(host: Buffer, fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      throw this.#unreadable(host, cause);
    }
  }

  #unreadable(host: Buffer, cause: unknown): unknown {
    return this.#sink.systemError(`read ${host}`, cause);
  }
}

/** The first `n` bytes of a file (fewer if it is shorter). */
function readHead(host: Buffer, n: number): Buffer {
  const fd = openSync(host, READ);
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

const CHUNK = 1 << 20;

/**
 * A host file's bytes in chunks of up to 1 MiB, read synchronously from `fd` (closed at the end): each async
 * fs call costs a thread-pool round trip, which made reading the 4,000-file bench set take 1.0 s instead of
 * 0.12 s. Compression runs on the thread pool meanwhile, so the short synchronous reads overlap with it.
 */
function* hostContent(fd: number, size: number): Iterable<Buffer> {
  try {
    let at = 0;
    while (at < size) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - at));
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n === 0) break;
      at += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

async function* toAsync(chunks: Iterable<Buffer>): AsyncIterable<Buffer> {
  yield* chunks;
}
