// The layer cache: compressed layer blobs kept in the content cache, found again by what determines their
// bytes — the diff_id (sha256 of the uncompressed tar, which covers every file's content and metadata),
// the compression, its level, the compressor's version and pith's layer format version. This is how
// BuildKit and containerd find a compressed blob for an uncompressed one. A warm build writes each tar to
// hash it, but compresses only the layers whose tar changed; a layer of a slot (a name such as a config's
// files layer) that this cache never made one for (markSlot), with no remote cache to ask, is compressed as
// it is hashed (keepFresh), since there is nothing to find for it. A layer whose inputs are few and known (a
// .deb's sha256, the layout options and the layout code's version: `inputs`) also records the diff_id its
// tar had, so a warm build finds it without writing the tar at all (as BuildKit's cache keys do for a
// step). Blobs are content, records are named entries; both are written atomically, so builds racing on
// one cache only ever see whole entries, and a record is written only after the blob is known to hold
// that tar. Every hit is read and hashed again before use (a corrupt blob is a miss, rebuilt and
// replaced); records, like apt's lists, are the cache owner's own state (see util/content-cache.ts). A
// remote cache (a registry, `--cache-repo`) is not trusted: a layer from it is bounded in size and must
// unpack to the very tar this build would write.
import { type Compression, decompress } from '../compress/index.ts';
import { type Blob, checkDescriptor, type Descriptor } from '../oci/index.ts';
import {
  type ContentCache,
  type Digest,
  digestStream,
  messageOf,
  type OnEvent,
  PITH_TOOL,
  PithError,
  sha256,
} from '../util/index.ts';

/** A shared cache of layers by the same key (a registry repository: io's CacheRepo). */
export interface RemoteLayers {
  /** Where it is, for messages. */
  readonly name: string;
  findLayer(key: string): Promise<{ blob: Blob; diffId: Digest } | undefined>;
  /** Records a layer; with `ifMissing`, only when the remote has no record under `key` yet. */
  keepLayer(key: string, diffId: Digest, blob: Blob, opts?: { ifMissing?: boolean }): Promise<void>;
}

/**
 * Bumped whenever the bytes pith writes for the same tar and compression change (tar or gzip framing).
 * 2: gzip stores blocks that do not compress.
 */
export const LAYER_FORMAT_VERSION = 2;

/** Compressed bytes a remote layer may have beyond its tar's size (deflate and zstd framing, generously). */
const overhead = (tarSize: number) => Math.ceil(tarSize / 100) + (1 << 20);

export class LayerStore {
  readonly cache: ContentCache;
  readonly onEvent: OnEvent | undefined;
  readonly remote: RemoteLayers | undefined;
  /** Set when the cache cannot be written: layers are then made in memory, as without a store. */
  off = false;
  readonly #sharing: Promise<void>[] = [];

  /** `remote`, when given, is asked on a local miss and given every layer compressed here. */
  constructor(cache: ContentCache, onEvent?: OnEvent, remote?: RemoteLayers) {
    this.cache = cache;
    this.onEvent = onEvent;
    this.remote = remote;
  }

  /** The cache key of a layer: its diff_id and how it is compressed (by which compressor version). */
  static key(diffId: Digest, compression: Compression, level: number | undefined): string {
    const coder =
      compression === 'gzip'
        ? `zlib-${process.versions.zlib}`
        : compression === 'zstd'
          ? `zstd-${process.versions['zstd'] ?? ''}`
          : 'tar';
    return `pith-layer/v${LAYER_FORMAT_VERSION}/${compression}/${level ?? 'default'}/${coder}/${diffId}`;
  }

  /**
   * The key of the tar made from `inputs` at `epoch`: pith's version and layer format are part of it, so a
   * release that lays files out differently never reuses a tar recorded by another.
   */
  static inputsKey(inputs: string, epoch: number): string {
    const what = sha256(`${inputs}\n${epoch}`).slice('sha256:'.length);
    return `pith-layer-inputs/v${LAYER_FORMAT_VERSION}/${PITH_TOOL.name}-${PITH_TOOL.version}/${what}`;
  }

  /** The diff_id and size of the tar recorded under an inputs key, if any. */
  async tarOf(inputsKey: string): Promise<{ diffId: Digest; size: number } | undefined> {
    const record = await this.cache.getNamed(inputsKey);
    if (!record) return undefined;
    try {
      const r = JSON.parse(record.toString('utf8')) as { diffId?: unknown; size?: unknown };
      if (typeof r.diffId !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(r.diffId)) return undefined;
      if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size < 0) return undefined;
      return { diffId: r.diffId as Digest, size: r.size };
    } catch {
      return undefined;
    }
  }

  /** Records which tar `inputs` made (after its layer is kept under that diff_id). */
  async recordTar(inputsKey: string, diffId: Digest, size: number): Promise<void> {
    await this.cache.putNamed(inputsKey, Buffer.from(JSON.stringify({ diffId, size })));
  }

  /** Whether this cache ever recorded a layer for `slot` (markSlot), i.e. may hold what a build there makes. */
  async knowsSlot(slot: string): Promise<boolean> {
    return (await this.cache.getNamed(LayerStore.#slotKey(slot))) !== undefined;
  }

  /** Records that a layer was made for `slot` here. */
  async markSlot(slot: string): Promise<void> {
    await this.cache.putNamed(LayerStore.#slotKey(slot), Buffer.from('1'));
  }

  static #slotKey(slot: string): string {
    return `pith-layer-slot/v1/${sha256(slot).slice('sha256:'.length)}`;
  }

  /** The compressed blob recorded under `key`, if it is still whole and of `mediaType`; else undefined. */
  async find(key: string, diffId: Digest, mediaType: string): Promise<Descriptor | undefined> {
    const record = await this.cache.getNamed(key);
    if (!record) return undefined;
    let blob: Descriptor;
    try {
      const r = JSON.parse(record.toString('utf8')) as { diffId?: unknown; blob?: unknown };
      if (r.diffId !== diffId) return undefined;
      blob = checkDescriptor(r.blob, key);
    } catch {
      return undefined;
    }
    if (!blob.digest.startsWith('sha256:') || blob.mediaType !== mediaType) return undefined;
    return (await this.cache.holds(blob.digest.slice('sha256:'.length), blob.size)) ? blob : undefined;
  }

  /**
   * Stores a compressed layer's stream, then records it under `key` only when `tarDigest` (the digest of
   * the tar that was compressed, known once the stream ends) is `diffId`: a file that changed while the
   * layer was written fails the build and leaves no record.
   */
  async keep(
    key: string,
    diffId: Digest,
    mediaType: string,
    compressed: AsyncIterable<Buffer>,
    tarDigest: () => Digest,
  ): Promise<Descriptor> {
    const { sha256: hex, size } = await this.cache.putStream(compressed);
    const second = tarDigest();
    if (second !== diffId)
      throw new PithError(
        'input',
        'LAYER_CHANGED',
        `a layer's files changed while it was written (its tar hashed to ${diffId}, then to ${second}); build again`,
      );
    const blob: Descriptor = { mediaType, digest: `sha256:${hex}`, size };
    await this.#record(key, diffId, blob);
    return blob;
  }

  /**
   * Stores a compressed layer's stream whose tar is hashed as it is compressed (`tar`, known once the
   * stream ends), then records it under the key of that diff_id: one pass, for a layer no cache has yet.
   */
  async keepFresh(
    compression: Compression,
    level: number | undefined,
    mediaType: string,
    compressed: AsyncIterable<Buffer>,
    tar: () => { diffId: Digest; size: number },
  ): Promise<{ key: string; diffId: Digest; size: number; descriptor: Descriptor }> {
    const { sha256: hex, size } = await this.cache.putStream(compressed);
    const made = tar();
    const key = LayerStore.key(made.diffId, compression, level);
    const descriptor: Descriptor = { mediaType, digest: `sha256:${hex}`, size };
    await this.#record(key, made.diffId, descriptor);
    return { key, ...made, descriptor };
  }

  /**
   * The layer recorded under `key` in the remote cache, copied into the local one, or undefined for a miss:
   * its media type must be `mediaType`, its size within what a tar of `tarSize` bytes compresses to, its
   * digest the record's, and it must unpack to exactly `tarSize` bytes hashing to `diffId`. A remote that
   * fails, or a record that does not hold, is warned about and counts as a miss.
   */
  async pull(
    key: string,
    diffId: Digest,
    compression: Compression,
    mediaType: string,
    tarSize: number,
  ): Promise<Descriptor | undefined> {
    if (!this.remote) return undefined;
    let hex: string | undefined;
    try {
      const found = await this.remote.findLayer(key);
      if (!found || found.diffId !== diffId) return undefined;
      const { descriptor } = found.blob;
      if (descriptor.mediaType !== mediaType || !descriptor.digest.startsWith('sha256:'))
        throw new Error(`its record names a ${descriptor.mediaType} blob, not ${mediaType}`);
      if (descriptor.size > tarSize + overhead(tarSize))
        throw new Error(
          `its record names ${descriptor.size} bytes, more than a ${tarSize}-byte tar compresses to`,
        );
      const stored = await this.cache.putStream(found.blob.open());
      hex = stored.sha256;
      if (`sha256:${hex}` !== descriptor.digest || stored.size !== descriptor.size)
        throw new Error(`its blob is sha256:${hex} (${stored.size} bytes), not ${descriptor.digest}`);
      const unpacked = await digestStream(bounded(decompress(this.cache.open(hex), compression), tarSize));
      if (unpacked.digest !== diffId || unpacked.size !== tarSize)
        throw new Error(`${descriptor.digest} unpacks to ${unpacked.digest}, not ${diffId}`);
      const blob: Descriptor = { mediaType, digest: descriptor.digest, size: stored.size };
      await this.#record(key, diffId, blob);
      return blob;
    } catch (err) {
      // a refused blob is not left for anyone to find (a good one by that digest cannot be refused)
      if (hex) await this.cache.drop(hex);
      this.#warn(`layer ${diffId} ignored`, err);
      return undefined;
    }
  }

  /**
   * Gives a layer to the remote cache in the background (`settled` waits for it): one compressed here
   * always, one found in the local cache only when the remote has no record of it. Failures are warnings.
   */
  share(key: string, diffId: Digest, descriptor: Descriptor, how: 'built' | 'cached'): void {
    if (!this.remote) return;
    const sent = this.remote
      .keepLayer(key, diffId, this.blob(descriptor), { ifMissing: how === 'cached' })
      .catch((err: unknown) => this.#warn(`storing layer ${diffId}`, err));
    this.#sharing.push(sent);
  }

  /** Waits for every layer being shared. */
  async settled(): Promise<void> {
    await Promise.all(this.#sharing);
  }

  async #record(key: string, diffId: Digest, blob: Descriptor): Promise<void> {
    await this.cache.putNamed(key, Buffer.from(JSON.stringify({ diffId, blob })));
  }

  #warn(what: string, err: unknown): void {
    this.onEvent?.({
      type: 'warning',
      code: 'CACHE_REPO_FAILED',
      message: `cache repository ${this.remote?.name}: ${what}: ${messageOf(err)}; going on without it`,
    });
  }

  /** A blob just found, kept or pulled (so checked): read from the cache each time it is opened. */
  blob(descriptor: Descriptor): Blob {
    const hex = descriptor.digest.slice('sha256:'.length);
    return { descriptor, open: () => this.cache.open(hex), file: this.cache.file(hex) };
  }
}

/** A stream that fails once it has given more than `limit` bytes (a decompression bomb stops there). */
async function* bounded(source: AsyncIterable<Buffer>, limit: number): AsyncIterable<Buffer> {
  let n = 0;
  for await (const c of source) {
    n += c.length;
    if (n > limit) throw new Error(`it unpacks to more than ${limit} bytes`);
    yield c;
  }
}
