// Re-derives everything an artifact claims about itself and reports every problem found, not just the
// first (ggcr's validate): blob digests and sizes, layer diff_ids (by decompressing), config/layer/history
// agreement, index descriptors against their children, platforms against configs, inline `data`. Each
// distinct blob is read once (blob-facts.ts), and an image whose config and manifest disagree on the number
// of layers is reported before any layer is read.
import { type Digest, digestLike, isDigest } from '../util/index.ts';
import type { Blob } from './blob.ts';
import { BlobFactCache, type BlobFacts } from './blob-facts.ts';
import type { Descriptor } from './descriptor.ts';
import type { Child, Image, Index } from './image.ts';
import { configPlatform } from './image-config.ts';
import { isImageConfigType, isIndexType, isManifestType, layerCompression } from './media-types.ts';
import { formatPlatform, platformMatches } from './platform.ts';

export interface Problem {
  /** Where: e.g. `index > manifests[1] (linux/arm64) > layers[0]`. */
  where: string;
  message: string;
}

/** The state of one validation: the problems found so far and what was learnt about each blob. */
interface Run {
  out: Problem[];
  blobs: BlobFactCache;
}

/** Validates an artifact; an empty list means it is sound. A fired `signal` ends it with ABORTED. */
export async function validate(
  a: Child,
  opts: { signal?: AbortSignal | undefined } = {},
): Promise<Problem[]> {
  const run: Run = { out: [], blobs: new BlobFactCache(opts.signal) };
  await validateChild(a, a.kind === 'index' ? 'index' : a.kind === 'image' ? 'image' : 'blob', run);
  return run.out;
}

async function validateChild(c: Child, where: string, run: Run): Promise<void> {
  if (c.kind === 'image') await validateImage(c, where, run);
  else if (c.kind === 'index') await validateIndex(c, where, run);
  else await checkBlob(c.blob, where, run);
}

async function validateIndex(ix: Index, where: string, run: Run): Promise<void> {
  const { out } = run;
  const v = ix.index.value;
  if (v.schemaVersion !== 2) out.push({ where, message: `schemaVersion is ${v.schemaVersion}, must be 2` });
  if (v.manifests.length !== ix.children.length) {
    out.push({
      where,
      message: `lists ${v.manifests.length} manifests but ${ix.children.length} were supplied`,
    });
  }
  for (const [i, desc] of v.manifests.entries()) {
    const child = ix.children[i];
    const label = `${where} > manifests[${i}]${desc.platform ? ` (${formatPlatform(desc.platform)})` : ''}`;
    if (!child) continue;
    checkChildDescriptor(desc, child, label, out);
    if (desc.platform && child.kind === 'image' && child.config) {
      const actual = configPlatform(child.config.value);
      if (!platformMatches(desc.platform, actual)) {
        out.push({
          where: label,
          message: `index says platform ${formatPlatform(desc.platform)} but the config says ${formatPlatform(actual)}`,
        });
      }
    }
    await validateChild(child, label, run);
  }
}

function checkChildDescriptor(desc: Descriptor, child: Child, where: string, out: Problem[]): void {
  const actual = child.kind === 'image' ? child.manifest : child.kind === 'index' ? child.index : null;
  if (!actual) return;
  const hashed = isDigest(desc.digest) ? digestLike(actual.raw, desc.digest) : actual.digest;
  if (desc.digest !== hashed)
    out.push({ where, message: `descriptor digest ${desc.digest} but the content hashes to ${hashed}` });
  if (desc.size !== actual.size)
    out.push({ where, message: `descriptor size ${desc.size} but the content is ${actual.size} bytes` });
  const kindOk = child.kind === 'image' ? isManifestType(desc.mediaType) : isIndexType(desc.mediaType);
  if (!kindOk)
    out.push({ where, message: `descriptor media type ${desc.mediaType} does not fit a ${child.kind}` });
}

async function validateImage(img: Image, where: string, run: Run): Promise<void> {
  const { out } = run;
  const m = img.manifest.value;
  if (m.schemaVersion !== 2) out.push({ where, message: `schemaVersion is ${m.schemaVersion}, must be 2` });
  if (m.layers.length !== img.layers.length)
    out.push({
      where,
      message: `manifest lists ${m.layers.length} layers but ${img.layers.length} were supplied`,
    });
  // Before anything is read: a config that disagrees on the layer count makes reading the layers pointless.
  const declared = img.config?.value.rootfs?.diff_ids;
  const countsAgree = declared === undefined || declared.length === img.layers.length;
  if (!countsAgree)
    out.push({
      where: `${where} > config`,
      message: `rootfs.diff_ids has ${declared.length} entries but the manifest has ${img.layers.length} layers; the layers were not read`,
    });
  await checkBlob(img.configBlob, `${where} > config`, run, m.config);
  const diffIds: (Digest | undefined)[] = [];
  if (countsAgree)
    for (const [i, blob] of img.layers.entries()) {
      const desc = m.layers[i] ?? blob.descriptor;
      diffIds.push(await checkLayer(blob, desc, `${where} > layers[${i}]`, run));
    }
  if (!img.config) {
    if (isImageConfigType(m.config.mediaType))
      out.push({ where: `${where} > config`, message: 'image config was not parsed' });
    return;
  }
  checkConfig(img, diffIds, `${where} > config`, out);
}

/** The config against the layers: rootfs type, each diff_id, history (the count was checked before). */
function checkConfig(
  img: Image,
  diffIds: readonly (Digest | undefined)[],
  where: string,
  out: Problem[],
): void {
  const c = img.config!.value;
  if (c.rootfs?.type !== 'layers')
    out.push({ where, message: `rootfs.type is ${JSON.stringify(c.rootfs?.type)}, must be "layers"` });
  const declared = c.rootfs?.diff_ids ?? [];
  for (const [i, d] of declared.entries()) {
    const actual = diffIds[i];
    if (actual && actual !== d)
      out.push({
        where: `${where} > rootfs.diff_ids[${i}]`,
        message: `declared ${d} but the uncompressed layer hashes to ${actual}`,
      });
  }
  if (c.history) {
    const nonEmpty = c.history.filter((h) => !h.empty_layer).length;
    if (nonEmpty !== declared.length)
      out.push({
        where,
        message: `history has ${nonEmpty} non-empty entries but there are ${declared.length} layers`,
      });
  }
}

function algorithmOf(d: Descriptor): 'sha256' | 'sha512' {
  return d.digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/** Compares what reading a blob gave with the descriptor that references it. */
function compareFacts(facts: BlobFacts, ref: Descriptor, where: string, out: Problem[]): void {
  if (facts.readError !== undefined) {
    out.push({ where, message: `cannot read blob ${ref.digest}: ${facts.readError}` });
    return;
  }
  if (facts.size !== ref.size)
    out.push({ where, message: `descriptor size ${ref.size} but the blob is ${facts.size} bytes` });
  if (facts.digest !== ref.digest)
    out.push({ where, message: `descriptor digest ${ref.digest} but the blob hashes to ${facts.digest}` });
  checkInlineData(ref, where, out);
}

/** Hashes a blob and compares with its descriptor (and the one that references it, if given). */
async function checkBlob(
  blob: Blob,
  where: string,
  run: Run,
  ref: Descriptor = blob.descriptor,
): Promise<void> {
  compareFacts(await run.blobs.of(blob, algorithmOf(ref)), ref, where, run.out);
}

function checkInlineData(ref: Descriptor, where: string, out: Problem[]): void {
  if (ref.data === undefined) return;
  const bytes = Buffer.from(ref.data, 'base64');
  if (bytes.length !== ref.size)
    out.push({ where, message: `descriptor data decodes to ${bytes.length} bytes, size says ${ref.size}` });
}

/** Checks a layer blob and returns the digest of its uncompressed content, or undefined if unknowable. */
async function checkLayer(
  blob: Blob,
  desc: Descriptor,
  where: string,
  run: Run,
): Promise<Digest | undefined> {
  const kind = layerCompression(desc.mediaType);
  const facts = await run.blobs.of(blob, algorithmOf(desc), kind);
  compareFacts(facts, desc, where, run.out);
  if (kind === undefined) {
    run.out.push({ where, message: `unknown layer media type ${desc.mediaType}` });
    return undefined;
  }
  if (facts.decodeError !== undefined)
    run.out.push({ where, message: `layer does not decompress as ${kind}: ${facts.decodeError}` });
  return facts.diffId;
}
