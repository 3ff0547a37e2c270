// Reads an OCI image layout from any FileSource (directory or archive) into an Artifact. Manifests,
// indexes and configs are read and their digests verified now; layers stay lazy and are verified by
// whoever streams them (sinks and `validate`).
import {
  type Artifact,
  type Blob,
  type Child,
  type Descriptor,
  type IndexDocument,
  imageFromParts,
  isIndexType,
  isManifestType,
  parseIndex,
  parseManifest,
} from '../../oci/index.ts';
import { type Digest, digestLike, PithError } from '../../util/index.ts';
import type { FileSource } from '../file-source.ts';
import { blobPath, INDEX_FILE, OCI_LAYOUT_FILE } from './paths.ts';
import { type LayoutSelector, selectEntry } from './select.ts';

/** Reads the layout's index.json after checking the oci-layout marker. */
export async function readLayoutIndex(src: FileSource): Promise<IndexDocument> {
  const marker = await src.read(OCI_LAYOUT_FILE);
  if (!marker)
    throw new PithError(
      'input',
      'NOT_A_LAYOUT',
      `${src.name}: not an OCI image layout (no ${OCI_LAYOUT_FILE} file)`,
    );
  const version = (JSON.parse(marker.toString('utf8')) as { imageLayoutVersion?: unknown })
    .imageLayoutVersion;
  if (version !== '1.0.0')
    throw new PithError(
      'invalid',
      'BAD_LAYOUT',
      `${src.name}: unsupported imageLayoutVersion ${JSON.stringify(version)}`,
    );
  const raw = await src.read(INDEX_FILE);
  if (!raw) throw new PithError('invalid', 'BAD_LAYOUT', `${src.name}: ${INDEX_FILE} is missing`);
  return parseIndex(raw, undefined, `${src.name}: ${INDEX_FILE}`);
}

/** Reads the artifact that a selector names in a layout. */
export async function readLayout(src: FileSource, selector: LayoutSelector = {}): Promise<Artifact> {
  const index = await readLayoutIndex(src);
  const desc = selectEntry(index.value.manifests, selector, src.name);
  const child = await loadChild(src, desc);
  if (child.kind === 'blob') {
    throw new PithError(
      'input',
      'NOT_AN_IMAGE',
      `${src.name}: ${desc.digest} is a ${desc.mediaType}, not an image or index`,
    );
  }
  return child;
}

/** Loads whatever a descriptor points at, recursively for indexes. */
export async function loadChild(src: FileSource, desc: Descriptor): Promise<Child> {
  if (isIndexType(desc.mediaType)) {
    const index = parseIndex(
      await readVerified(src, desc),
      desc.mediaType,
      `${src.name}: index ${desc.digest}`,
    );
    const children: Child[] = [];
    for (const d of index.value.manifests) children.push(await loadChild(src, d));
    return { kind: 'index', index, children };
  }
  if (isManifestType(desc.mediaType)) {
    const manifest = parseManifest(
      await readVerified(src, desc),
      desc.mediaType,
      `${src.name}: manifest ${desc.digest}`,
    );
    const configDesc = manifest.value.config;
    const configRaw = await readVerified(src, configDesc);
    return imageFromParts(
      manifest,
      lazyBlob(src, configDesc),
      configRaw,
      manifest.value.layers.map((l) => lazyBlob(src, l)),
    );
  }
  return { kind: 'blob', blob: lazyBlob(src, desc) };
}

/** Reads a small blob whole and checks its size and digest before anything uses it. */
async function readVerified(src: FileSource, desc: Descriptor): Promise<Buffer> {
  const raw = await src.read(blobPath(desc.digest));
  if (!raw) throw new PithError('invalid', 'MISSING_BLOB', `${src.name}: blob ${desc.digest} is missing`);
  if (raw.length !== desc.size) {
    throw new PithError(
      'invalid',
      'SIZE_MISMATCH',
      `${src.name}: blob ${desc.digest} is ${raw.length} bytes, its descriptor says ${desc.size}`,
    );
  }
  const actual: Digest = digestLike(raw, desc.digest);
  if (actual !== desc.digest)
    throw new PithError('invalid', 'DIGEST_MISMATCH', `${src.name}: blob ${desc.digest} hashes to ${actual}`);
  return raw;
}

/** A blob read from the layout only when streamed. */
function lazyBlob(src: FileSource, descriptor: Descriptor): Blob {
  return { descriptor, open: () => src.open(blobPath(descriptor.digest)) };
}
