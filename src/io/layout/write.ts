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
  type Image,
  type IndexDocument,
  verifiedContent,
} from '../../oci/index.ts';
import {
  asSystemError,
  buildDirAtomic,
  copyFileAtomic,
  errnoOf,
  fileTypeName,
  PithError,
  writeFileAtomic,
} from '../../util/index.ts';
import { dirSource } from '../file-source.ts';
import { layoutDescriptor, mergeEntries } from './index-json.ts';
import { blobPath, INDEX_FILE, OCI_LAYOUT_BYTES, OCI_LAYOUT_FILE } from './paths.ts';
import { readLayoutIndex } from './read.ts';

export interface LayoutWriteOptions {
  tag?: string;
  fullName?: string;
  /** Stops the write; nothing appears at the destination. */
  signal?: AbortSignal | undefined;
}

/** Writes (or adds) an artifact to the layout at `dir`; returns the descriptor listed in index.json. */
export async function writeLayoutDir(
  dir: string,
  artifact: Artifact,
  opts: LayoutWriteOptions = {},
): Promise<Descriptor> {
  const entry = layoutDescriptor(artifact, opts);
  const state = await dirState(dir);
  if (state.kind === 'other') {
    throw new PithError(
      'input',
      'NOT_A_LAYOUT',
      `oci:${dir}: ${state.what} and is not an OCI image layout; refusing to write into it`,
    );
  }
  if (state.kind === 'layout') {
    const existing = await readLayoutIndex(dirSource(dir, `oci:${dir}`));
    await writeBlobs(dir, blobsInPushOrder(artifact), opts.signal);
    await writeFileAtomic(join(dir, INDEX_FILE), mergeEntries(existing.value.manifests, entry).raw, {
      signal: opts.signal,
    });
    return entry;
  }
  await buildDirAtomic(
    dir,
    async (tmp) => {
      await writeFileAtomic(join(tmp, OCI_LAYOUT_FILE), OCI_LAYOUT_BYTES, { signal: opts.signal });
      await writeBlobs(tmp, blobsInPushOrder(artifact), opts.signal);
      await writeFileAtomic(join(tmp, INDEX_FILE), mergeEntries([], entry).raw, { signal: opts.signal });
    },
    opts.signal,
  );
  return entry;
}

/**
 * Adds referrers (artifacts whose manifest names a subject) to an existing layout: their blobs, then one
 * untagged index.json entry each carrying its `artifactType`, as oras lists referrers in a layout. Readers
 * that pick "the only image" skip such entries (select.ts).
 */
export async function addLayoutReferrers(
  dir: string,
  referrers: readonly Image[],
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  let index: IndexDocument = await readLayoutIndex(dirSource(dir, `oci:${dir}`));
  const added: Descriptor[] = [];
  for (const r of referrers) {
    await writeBlobs(dir, blobsInPushOrder(r), signal); // the manifest included
    const artifactType = r.manifest.value.artifactType;
    const entry = r.manifest.descriptor(artifactType ? { artifactType } : {});
    index = mergeEntries(index.value.manifests, entry);
    added.push(entry);
  }
  await writeFileAtomic(join(dir, INDEX_FILE), index.raw, { signal });
  return added;
}

type DirState = { kind: 'absent' | 'empty' | 'layout' } | { kind: 'other'; what: string };

/** What is at the destination now; anything but nothing, an empty directory or a layout is `other`. */
async function dirState(dir: string): Promise<DirState> {
  const s = await stat(dir).catch((err: unknown) => {
    // a parent that is not a directory is reported when the parents are created
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return undefined;
    throw asSystemError(err, { where: `oci:${dir}`, action: `write ${dir}`, writing: true });
  });
  if (!s) return { kind: 'absent' };
  if (!s.isDirectory()) return { kind: 'other', what: `is ${fileTypeName(s)}` };
  const names = await readdir(dir).catch((err: unknown) => {
    throw asSystemError(err, { where: `oci:${dir}`, action: `read ${dir}` });
  });
  if (names.length === 0) return { kind: 'empty' };
  return names.includes(OCI_LAYOUT_FILE)
    ? { kind: 'layout' }
    : { kind: 'other', what: `is a directory with ${names.length} entries` };
}

/** Writes each blob that is not already present with the right size, verifying content as it streams. */
async function writeBlobs(root: string, blobs: readonly Blob[], signal?: AbortSignal): Promise<void> {
  await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
  for (const b of blobs) {
    const dest = join(root, blobPath(b.descriptor.digest));
    const have = await stat(dest).catch(() => undefined);
    if (have?.isFile() && have.size === b.descriptor.size) continue;
    // a file just checked is copied by the kernel; if that fails (gone meanwhile), it is streamed and checked
    const copied =
      b.file &&
      (await copyFileAtomic(b.file, dest, signal).then(
        () => true,
        () => false,
      ));
    if (!copied) await writeFileAtomic(dest, verifiedContent(b), { signal });
  }
}
