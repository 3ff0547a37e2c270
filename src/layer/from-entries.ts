// Turns tar entries into a layer blob: the tar stream is hashed for the diff_id while it is compressed, and
// the compressed bytes are hashed and sized as they come out (image-spec layer.md). With a layer store
// (layer-store.ts), the tar is hashed first and the compressed blob comes from the cache when one is
// recorded for that diff_id; otherwise it is compressed into the cache as a stream, never held in memory.
import { createHash } from 'node:crypto';
import { type Compression, compress } from '../compress/index.ts';
import { type Descriptor, type LayerBlob, memoryBlob, ociLayerType } from '../oci/index.ts';
import { type TarEntry, writeTar } from '../tar/index.ts';
import { counting, type Digest, digestStream, isPithError } from '../util/index.ts';
import { LayerStore } from './layer-store.ts';

export interface LayerOptions {
  /** Every mtime newer than this (seconds) is clamped to it (SOURCE_DATE_EPOCH). */
  epoch: number;
  compression?: Compression;
  level?: number;
  /** Recorded in the config history entry of this layer. */
  createdBy?: string;
  /** The layer cache: compressed blobs are kept there and taken from there (default: built in memory). */
  store?: LayerStore;
  /**
   * Everything besides `epoch` that determines the entries' bytes, as a string (a .deb's sha256, the
   * layout options and the version of the code that lays it out): with a store, the diff_id recorded for
   * these inputs finds the layer without writing its tar. Leave it out when the entries are the key.
   */
  inputs?: string;
}

export interface BuiltLayer extends LayerBlob {
  /** Bytes of the uncompressed tar. */
  readonly uncompressedSize: number;
}

/** Serialises entries (already in tar order) into a compressed layer, through the store when there is one. */
export async function layerFromEntries(entries: Iterable<TarEntry>, opts: LayerOptions): Promise<BuiltLayer> {
  return opts.store ? storedLayer([...entries], opts.store, opts) : memoryLayer(entries, opts);
}

/** A layer compressed into memory. */
async function memoryLayer(entries: Iterable<TarEntry>, opts: LayerOptions): Promise<BuiltLayer> {
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

/** A layer from the store: found by its inputs or diff_id (locally, else remotely), or compressed into it. */
async function storedLayer(entries: TarEntry[], store: LayerStore, opts: LayerOptions): Promise<BuiltLayer> {
  if (store.off) return memoryLayer(entries, opts);
  const kind = opts.compression ?? 'gzip';
  const mediaType = ociLayerType(kind);
  const inputs = opts.inputs === undefined ? undefined : LayerStore.inputsKey(opts.inputs, opts.epoch);
  // the tar these inputs made before, if its compressed blob is still whole: no tar is written
  const made = inputs && (await store.tarOf(inputs));
  if (made) {
    const key = LayerStore.key(made.diffId, kind, opts.level);
    const descriptor = await store.find(key, made.diffId, mediaType);
    if (descriptor) return found(store, { key, ...made }, descriptor, 'cached', opts);
  }
  const tar = () => writeTar(entries, { clampMtime: opts.epoch });
  const { digest: diffId, size: uncompressedSize } = await digestStream(tar());
  const key = LayerStore.key(diffId, kind, opts.level);
  let descriptor: Descriptor | undefined;
  let how: 'built' | 'cached' | 'pulled' = 'cached';
  try {
    descriptor = await store.find(key, diffId, mediaType);
    if (!descriptor) {
      how = 'pulled';
      descriptor = await store.pull(key, diffId, kind, mediaType, uncompressedSize);
    }
    if (!descriptor) {
      how = 'built';
      const again = createHash('sha256');
      const source = counting(tar(), (c) => again.update(c));
      descriptor = await store.keep(key, diffId, mediaType, compress(source, kind, opts.level), () => {
        return `sha256:${again.digest('hex')}`;
      });
    }
    if (inputs) await store.recordTar(inputs, diffId, uncompressedSize);
  } catch (err) {
    if (!isPithError(err) || err.code !== 'CACHE_UNWRITABLE') throw err;
    // a read-only or full cache: this build goes on without it, as with --no-layer-cache
    store.off = true;
    store.onEvent?.({
      type: 'warning',
      code: 'CACHE_UNWRITABLE',
      message: `${err.message}; layers are compressed in memory and not cached`,
    });
    return memoryLayer(entries, opts);
  }
  return found(store, { key, diffId, size: uncompressedSize }, descriptor, how, opts);
}

/** A layer the store holds: shared with the remote cache (unless it came from there) and reported. */
function found(
  store: LayerStore,
  tar: { key: string; diffId: Digest; size: number },
  descriptor: Descriptor,
  how: 'built' | 'cached' | 'pulled',
  opts: LayerOptions,
): BuiltLayer {
  const { key, diffId } = tar;
  if (how !== 'pulled') store.share(key, diffId, descriptor, how);
  store.onEvent?.({
    type: 'layer',
    diffId,
    digest: descriptor.digest,
    size: descriptor.size,
    how,
    ...(opts.createdBy ? { item: opts.createdBy } : {}),
  });
  const blob = store.blob(descriptor);
  return {
    blob,
    diffId,
    uncompressedSize: tar.size,
    ...(opts.createdBy ? { createdBy: opts.createdBy } : {}),
  };
}
