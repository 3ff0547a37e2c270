// Reads an OCI image layout from any FileSource (directory or archive) into an Artifact. Manifests,
// indexes and configs are read (each within its size limit, checked before it is read) and their digests
// verified now; layers stay lazy and are verified by whoever streams them (sinks and `validate`). A
// document that several descriptors name is loaded once.
import { stat } from 'node:fs/promises';
import {
  type Artifact,
  ArtifactLoader,
  type Blob,
  type Child,
  checkArtifactNodes,
  checkSize,
  type Descriptor,
  documentLimit,
  type IndexDocument,
  LIMITS,
  parseIndex,
  parseJsonObject,
} from '../../oci/index.ts';
import {
  asSystemError,
  type Digest,
  digestLike,
  errnoOf,
  fileTypeName,
  PithError,
} from '../../util/index.ts';
import { dirSource, type FileSource } from '../file-source.ts';
import { blobPath, INDEX_FILE, LAYOUT_VERSION, OCI_LAYOUT_FILE } from './paths.ts';
import { type LayoutSelector, selectEntry } from './select.ts';

/** A layout directory the user named, checked to be a directory first (`name` is how messages call it). */
export async function layoutDirSource(dir: string, name = dir): Promise<FileSource> {
  const s = await stat(dir).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT')
      throw new PithError('input', 'NO_SUCH_FILE', `${name}: no such file or directory`);
    throw asSystemError(err, { where: name, action: `read ${dir}` });
  });
  if (!s.isDirectory())
    throw new PithError(
      'input',
      'NOT_A_LAYOUT',
      `${name}: is ${fileTypeName(s)}, not an OCI layout directory`,
    );
  return dirSource(dir, name);
}

/** Reads the layout's index.json after checking the oci-layout marker. */
export async function readLayoutIndex(src: FileSource): Promise<IndexDocument> {
  const marker = await src.read(OCI_LAYOUT_FILE, LIMITS.layoutMarkerBytes);
  if (!marker)
    throw new PithError(
      'input',
      'NOT_A_LAYOUT',
      `${src.name}: not an OCI image layout (no ${OCI_LAYOUT_FILE} file)`,
    );
  const version = parseJsonObject(marker, `${src.name}: ${OCI_LAYOUT_FILE}`, LIMITS.layoutMarkerBytes)[
    'imageLayoutVersion'
  ];
  if (version !== LAYOUT_VERSION)
    throw new PithError(
      'invalid',
      'BAD_LAYOUT',
      `${src.name}: unsupported imageLayoutVersion ${JSON.stringify(version)}`,
    );
  const raw = await src.read(INDEX_FILE, LIMITS.indexBytes);
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
  checkArtifactNodes(child, `${src.name}: ${desc.digest}`);
  return child;
}

/** Loads whatever a descriptor points at, recursively for indexes; each digest is loaded once. */
export function loadChild(src: FileSource, desc: Descriptor): Promise<Child> {
  return new ArtifactLoader({
    document: (d) => readVerified(src, d),
    blob: (d) => lazyBlob(src, d),
    where: (d, kind) => `${src.name}: ${kind} ${d.digest}`,
  }).load(desc);
}

/** Reads a small blob whole and checks its size and digest before anything uses it. */
async function readVerified(src: FileSource, desc: Descriptor): Promise<Buffer> {
  const limit = documentLimit(desc.mediaType);
  checkSize(desc.size, limit, src.name, `blob ${desc.digest}`);
  const raw = await src.read(blobPath(desc.digest), limit);
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
