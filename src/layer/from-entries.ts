// Turns tar entries into a layer blob in one streaming pass: the tar stream is hashed for the diff_id while
// it is compressed, and the compressed bytes are hashed and sized as they come out (image-spec layer.md).
import { createHash } from 'node:crypto';
import { type Compression, compress } from '../compress/index.ts';
import { type LayerBlob, memoryBlob, ociLayerType } from '../oci/index.ts';
import { type TarEntry, writeTar } from '../tar/index.ts';
import { counting, type Digest } from '../util/index.ts';

export interface LayerOptions {
  /** Every mtime newer than this (seconds) is clamped to it (SOURCE_DATE_EPOCH). */
  epoch: number;
  compression?: Compression;
  level?: number;
  /** Recorded in the config history entry of this layer. */
  createdBy?: string;
}

export interface BuiltLayer extends LayerBlob {
  /** Bytes of the uncompressed tar. */
  readonly uncompressedSize: number;
}

/** Serialises entries (already in tar order) into a compressed layer held in memory. */
export async function layerFromEntries(entries: Iterable<TarEntry>, opts: LayerOptions): Promise<BuiltLayer> {
  const kind = opts.compression ?? 'gzip';
  const diff = createHash('sha256');
  let uncompressedSize = 0;
  const tar = counting(writeTar(entries, { clampMtime: opts.epoch }), (c) => {
    diff.update(c);
    uncompressedSize += c.length;
  });
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of compress(tar, kind, opts.level)) {
    hash.update(c);
    size += c.length;
    chunks.push(c);
  }
  const digest: Digest = `sha256:${hash.digest('hex')}`;
  const blob = memoryBlob({ mediaType: ociLayerType(kind), digest, size }, chunks);
  const diffId: Digest = `sha256:${diff.digest('hex')}`;
  return { blob, diffId, uncompressedSize, ...(opts.createdBy ? { createdBy: opts.createdBy } : {}) };
}
