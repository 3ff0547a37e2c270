// Turns tar entries into a layer blob: the tar stream is hashed for the diff_id while it is compressed, and
// the compressed bytes are hashed and sized as they come out (image-spec layer.md). With a layer store
// (layer-store.ts), the tar is hashed first and the compressed blob comes from the cache when one is
// recorded for that diff_id; otherwise it is compressed into the cache as a stream, never held in memory.
// A layer of a slot the cache never made one for (a config's files layer on the cache's first build of that
// config), with no remote cache to ask, is hashed and compressed in one pass, as BuildKit, ko and apko always
// do: writing its tar twice would only find nothing (a 115 MiB files layer: 15% of the build).
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
  /**
   * What this layer is, by a name that stays the same from one build to the next and from one checkout to
   * another (the files layer of `pith.yaml`, the app layer of app `web`): with a store that never made a
   * layer of that name and no remote cache, there is nothing to find for it, so its tar is hashed as it is
   * compressed (one pass) instead of first on its own. Two layers of one name only cost the second its
   * one pass: it is hashed first, as without a slot.
   */
  slot?: string;
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
  const { tar, made } = hashedTar(entries, opts.epoch);
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
  const { diffId, size: uncompressedSize } = made();
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
  try {
    const { slot } = opts;
    const first = slot !== undefined && !(await store.knowsSlot(slot));
    // a slot this cache never made a layer for, and no remote cache: nothing to find, so one pass
    const layer =
      first && !store.remote
        ? { ...(await onePass(entries, store, kind, mediaType, opts)), how: 'built' as const }
        : await twoPass(entries, store, kind, mediaType, opts);
    if (inputs) await store.recordTar(inputs, layer.diffId, layer.size);
    if (first) await store.markSlot(slot);
    return found(store, layer, layer.descriptor, layer.how, opts);
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
}

interface Made {
  key: string;
  diffId: Digest;
  size: number;
  descriptor: Descriptor;
}

/** The tar hashed first; its blob found in the store, pulled from the remote cache, or compressed. */
async function twoPass(
  entries: TarEntry[],
  store: LayerStore,
  kind: Compression,
  mediaType: string,
  opts: LayerOptions,
): Promise<Made & { how: 'built' | 'cached' | 'pulled' }> {
  const tar = () => writeTar(entries, { clampMtime: opts.epoch });
  const { digest: diffId, size } = await digestStream(tar());
  const key = LayerStore.key(diffId, kind, opts.level);
  const cached = await store.find(key, diffId, mediaType);
  if (cached) return { key, diffId, size, descriptor: cached, how: 'cached' };
  const pulled = await store.pull(key, diffId, kind, mediaType, size);
  if (pulled) return { key, diffId, size, descriptor: pulled, how: 'pulled' };
  const again = hashedTar(entries, opts.epoch);
  const descriptor = await store.keep(
    key,
    diffId,
    mediaType,
    compress(again.tar, kind, opts.level),
    () => again.made().diffId,
  );
  return { key, diffId, size, descriptor, how: 'built' };
}

/** The tar hashed as it is compressed into the store (no cache can have it yet). */
function onePass(
  entries: TarEntry[],
  store: LayerStore,
  kind: Compression,
  mediaType: string,
  opts: LayerOptions,
): Promise<Made> {
  const { tar, made } = hashedTar(entries, opts.epoch);
  return store.keepFresh(kind, opts.level, mediaType, compress(tar, kind, opts.level), made);
}

/** The entries' tar as a stream, hashed and sized as it goes: `made` gives its diff_id once it has ended. */
function hashedTar(entries: Iterable<TarEntry>, epoch: number) {
  const diff = createHash('sha256');
  let size = 0;
  const tar = counting(writeTar(entries, { clampMtime: epoch }), (c) => {
    diff.update(c);
    size += c.length;
  });
  const made = (): { diffId: Digest; size: number } => ({ diffId: `sha256:${diff.digest('hex')}`, size });
  return { tar, made };
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
