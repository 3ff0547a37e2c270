// Writes artifacts into an OCI image layout directory: blobs first (each verified and renamed into place),
// index.json last and atomically. A new layout is built in a temporary sibling and renamed, so a failure
// leaves nothing; an existing layout only ever gains complete blobs before its index.json is replaced.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Artifact,
  type Blob,
  blobsInPushOrder,
  type Descriptor,
  verifiedContent,
} from '../../oci/index.ts';
import { PithError } from '../../util/index.ts';
import { buildDirAtomic, writeFileAtomic } from '../atomic.ts';
import { dirSource } from '../file-source.ts';
import { layoutDescriptor, mergeEntries } from './index-json.ts';
import { blobPath, INDEX_FILE, OCI_LAYOUT_BYTES, OCI_LAYOUT_FILE } from './paths.ts';
import { readLayoutIndex } from './read.ts';

export interface LayoutWriteOptions {
  tag?: string;
  fullName?: string;
}

/** Writes (or adds) an artifact to the layout at `dir`; returns the descriptor listed in index.json. */
export async function writeLayoutDir(
  dir: string,
  artifact: Artifact,
  opts: LayoutWriteOptions = {},
): Promise<Descriptor> {
  const entry = layoutDescriptor(artifact, opts);
  const state = await dirState(dir);
  if (state === 'other') {
    throw new PithError(
      'input',
      'NOT_A_LAYOUT',
      `${dir} exists and is not an OCI image layout; refusing to write into it`,
    );
  }
  if (state === 'layout') {
    const existing = await readLayoutIndex(dirSource(dir));
    await writeBlobs(dir, blobsInPushOrder(artifact));
    await writeFileAtomic(join(dir, INDEX_FILE), mergeEntries(existing.value.manifests, entry).raw);
    return entry;
  }
  await buildDirAtomic(dir, async (tmp) => {
    await writeFileAtomic(join(tmp, OCI_LAYOUT_FILE), OCI_LAYOUT_BYTES);
    await writeBlobs(tmp, blobsInPushOrder(artifact));
    await writeFileAtomic(join(tmp, INDEX_FILE), mergeEntries([], entry).raw);
  });
  return entry;
}

async function dirState(dir: string): Promise<'absent' | 'empty' | 'layout' | 'other'> {
  const s = await stat(dir).catch(() => undefined);
  if (!s) return 'absent';
  if (!s.isDirectory()) return 'other';
  const names = await readdir(dir);
  if (names.length === 0) return 'empty';
  return names.includes(OCI_LAYOUT_FILE) ? 'layout' : 'other';
}

/** Writes each blob that is not already present with the right size, verifying content as it streams. */
async function writeBlobs(root: string, blobs: readonly Blob[]): Promise<void> {
  await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
  for (const b of blobs) {
    const dest = join(root, blobPath(b.descriptor.digest));
    const have = await stat(dest).catch(() => undefined);
    if (have?.isFile() && have.size === b.descriptor.size) continue;
    await writeFileAtomic(dest, verifiedContent(b));
  }
}
