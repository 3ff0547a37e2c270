// Writes a set of files as a deterministic tar archive, atomically: sorted names, directories before
// their files, mtime 0, uid/gid 0, modes 0755/0644 — the archive bytes depend only on its contents.
import { type TarEntry, writeTar } from '../../tar/index.ts';
import { writeFileAtomic } from '../atomic.ts';

export interface ArchiveMember {
  path: string;
  size: number;
  content: () => AsyncIterable<Buffer>;
}

/** Writes members (deduplicated by path) into a tar file at `dest`, replacing it only when complete. */
export async function writeArchiveFile(dest: string, members: readonly ArchiveMember[]): Promise<void> {
  await writeFileAtomic(dest, writeTar(archiveEntries(members)));
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
