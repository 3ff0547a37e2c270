// Read access to a file hierarchy that may be a directory or a tar archive: the one interface the
// layout and docker-archive readers need, so directories and archives share their parsing code.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { indexTarFile } from '../tar/index.ts';
import { PithError } from '../util/index.ts';

export interface FileSource {
  /** Human name for messages (`oci:out/hello`, `hello.tar`). */
  readonly name: string;
  /** Whole file, or undefined when absent. */
  read(path: string): Promise<Buffer | undefined>;
  /** Streams a file; fails if absent. */
  open(path: string): AsyncIterable<Buffer>;
  /** Size of a file, or undefined when absent. */
  size(path: string): Promise<number | undefined>;
}

/** A directory on disk. */
export function dirSource(root: string, name = root): FileSource {
  return {
    name,
    read: async (p) =>
      readFile(join(root, p)).catch((e: NodeJS.ErrnoException) =>
        e.code === 'ENOENT' ? undefined : Promise.reject(e),
      ),
    open: (p) => createReadStream(join(root, p)),
    size: async (p) =>
      stat(join(root, p)).then(
        (s) => (s.isFile() ? s.size : undefined),
        () => undefined,
      ),
  };
}

/** An uncompressed tar archive on disk, indexed once; members are read with positional streams. */
export async function tarSource(file: string, name = file): Promise<FileSource> {
  const members = new Map<string, { offset: number; size: number }>();
  for (const e of await indexTarFile(file)) {
    if (e.type === 'file') members.set(e.path, { offset: e.offset, size: e.size });
    else if (e.type === 'hardlink' && e.linkTarget) {
      const target = members.get(e.linkTarget);
      if (target) members.set(e.path, target);
    }
  }
  const member = (p: string) => members.get(p.replace(/^\.\//, ''));
  const open = (p: string): AsyncIterable<Buffer> => {
    const m = member(p);
    if (!m) throw new PithError('invalid', 'MISSING_MEMBER', `${name}: no file ${p} in the archive`);
    return m.size === 0
      ? (async function* () {})()
      : createReadStream(file, { start: m.offset, end: m.offset + m.size - 1 });
  };
  return {
    name,
    read: async (p) => {
      if (!member(p)) return undefined;
      const parts: Buffer[] = [];
      for await (const c of open(p)) parts.push(c as Buffer);
      return Buffer.concat(parts);
    },
    open,
    size: async (p) => member(p)?.size,
  };
}
