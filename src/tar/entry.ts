// The tar entry model shared by the writer, the readers and FileTree: one in-image path with numeric
// ownership, permission bits, integer mtime, raw xattr bytes and (for files) a lazy content stream.
// Invariant: `path` is already normalised (no leading '/' or './', no trailing '/'); never the host's view.

/** The member kinds pith reads and writes (OCI layers allow exactly these). */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One member of a tar stream, as pith models it. */
export interface TarEntry {
  /** Relative, normalised path: no leading '/' or './', no trailing '/', e.g. 'etc/passwd'. */
  path: string;
  type: EntryType;
  /** Permission bits incl. setuid/setgid/sticky (`& 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  /** Integer seconds since the Unix epoch. */
  mtime: number;
  /** Byte length for 'file', 0 otherwise. */
  size: number;
  /** symlink: the target as given; hardlink: the normalised path of the target entry. */
  linkTarget?: string;
  devMajor?: number;
  devMinor?: number;
  /** xattr name -> raw bytes (binary exact). */
  xattrs?: ReadonlyMap<string, Buffer>;
  /** 'file' only: yields exactly `size` bytes; may be called once per write. */
  content?: () => AsyncIterable<Buffer>;
  /**
   * 'file' only, optional: a local file holding the same bytes as `content` (which checks them as it
   * streams), for a reader that wants the whole content at once and trusts where it is kept (the cache).
   */
  file?: string;
}

/** A root-owned 0644 regular file holding `data`, mtime 0: the common entry of generated archives. */
export function bytesEntry(path: string, data: Buffer): TarEntry {
  return {
    path,
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: 0,
    size: data.length,
    content: async function* () {
      yield data;
    },
  };
}

/** A root-owned 0755 directory, mtime 0. */
export function dirEntry(path: string): TarEntry {
  return { path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 };
}

/** A root-owned symbolic link to `target` (stored as written), mtime 0. */
export function symlinkEntry(path: string, target: string): TarEntry {
  return { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 0, size: 0, linkTarget: target };
}
