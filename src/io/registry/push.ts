// Writes an artifact to a registry in the order the spec requires: every blob (layers, configs) first —
// a few at a time, each skipped when present — then child manifests by digest, then the top manifest or
// index under the tag (or its digest). Returns the top descriptor.
import { type Artifact, type Blob, type Child, type Descriptor, topDocument } from '../../oci/index.ts';
import { forEachBounded } from '../../util/index.ts';
import type { RegistryClient } from './client.ts';
import { subjectOf, updateFallbackTag } from './referrers.ts';
import { type UploadOptions, uploadBlob } from './upload.ts';

export interface PushOptions extends UploadOptions {
  /** Blob uploads at once (default 3). */
  concurrency?: number;
  onBlob?: (desc: Descriptor, how: 'present' | 'mounted' | 'uploaded') => void;
}

/** Pushes an artifact; `tag` may be omitted to push by digest only. */
export async function pushArtifact(
  client: RegistryClient,
  repo: string,
  artifact: Artifact,
  tag?: string,
  opts: PushOptions = {},
): Promise<Descriptor> {
  const blobs = new Map<string, Blob>();
  collectBlobs(artifact, blobs);
  await forEachBounded([...blobs.values()], opts.concurrency ?? 3, async (b) => {
    const how = await uploadBlob(client, repo, b, opts); // not inside onBlob?.(…): that would skip the upload
    opts.onBlob?.(b.descriptor, how);
  });
  await pushManifests(client, repo, artifact);
  const top = topDocument(artifact);
  if (tag) await client.putManifest(repo, tag, top.raw, top.mediaType);
  return top.descriptor();
}

/** Layers, configs and opaque blobs of the whole tree, once each. */
function collectBlobs(c: Child, out: Map<string, Blob>): void {
  const add = (b: Blob) => out.set(b.descriptor.digest, b);
  if (c.kind === 'blob') add(c.blob);
  else if (c.kind === 'image') {
    for (const l of c.layers) add(l);
    add(c.configBlob);
  } else for (const child of c.children) collectBlobs(child, out);
}

/**
 * Children before their index; every manifest by digest. A manifest with a subject is also listed in the
 * referrers tag when the registry has no referrers API (referrers.ts).
 */
async function pushManifests(client: RegistryClient, repo: string, c: Child): Promise<void> {
  if (c.kind === 'blob') return;
  if (c.kind === 'index') for (const child of c.children) await pushManifests(client, repo, child);
  const doc = topDocument(c);
  await client.putManifest(repo, doc.digest, doc.raw, doc.mediaType);
  if (subjectOf(doc)) await updateFallbackTag(client, repo, doc);
}
