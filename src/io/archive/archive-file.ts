// Writes a set of files as a deterministic tar archive, atomically: sorted names, directories before
// their files, mtime 0, uid/gid 0, modes 0755/0644 — the archive bytes depend only on its contents. An
// archive replaces only a regular file: a directory, device or FIFO at the destination is refused.
import { stat } from 'node:fs/promises';
import { type TarEntry, writeTar } from '../../tar/index.ts';
import { fileTypeName, PithError, writeFileAtomic } from '../../util/index.ts';

export interface ArchiveMember {
  path: string;
  size: number;
  content: () => AsyncIterable<Buffer>;
}

/**
 * Writes members (deduplicated by path) into a tar file at `dest`, replacing it only when complete; `where`
 * names the output in messages (`oci-archive:out/x.tar`).
 */
export async function writeArchiveFile(
  dest: string,
  members: readonly ArchiveMember[],
  where = dest,
  signal?: AbortSignal,
): Promise<void> {
  await checkArchiveDest(dest, where);
  await writeFileAtomic(dest, writeTar(archiveEntries(members)), { signal });
}

/** Refuses a destination that exists and is not a regular file (renaming over it would replace it). */
async function checkArchiveDest(dest: string, where: string): Promise<void> {
  const s = await stat(dest).catch(() => undefined);
  if (!s || s.isFile()) return;
  const hint = s.isDirectory() ? ` (a layout directory is written with oci:${dest})` : '';
  throw new PithError(
    'input',
    'NOT_A_FILE',
    `${where}: is ${fileTypeName(s)}; an archive is written to a regular file path, refusing to replace it${hint}`,
  );
}

/** The tar entries for members, with every parent directory listed first. */
export function archiveEntries(members: readonly ArchiveMember[]): TarEntry[] {
  const entries = new Map<string, TarEntry>();
  for (const m of members) {
    const parts = m.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!entries.has(dir))
        entries.set(dir, { path: dir, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 });
    }
    entries.set(m.path, {
      path: m.path,
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      size: m.size,
      content: m.content,
    });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
