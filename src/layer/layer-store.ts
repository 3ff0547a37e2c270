// The layer cache: compressed layer blobs kept in the content cache, found again by what determines their
// bytes — the diff_id (sha256 of the uncompressed tar, which covers every file's content and metadata),
// the compression, its level and pith's layer format version. This is how BuildKit and containerd find a
// compressed blob for an uncompressed one. A warm build still writes each tar to hash it (cheap), but
// compresses only the layers whose tar changed. Records are named entries of the content cache, the blobs
// its content; both are written atomically, so builds racing on one cache only ever see whole entries, and
// every hit is read and hashed again before use: a corrupt entry is a miss, rebuilt and replaced.
import { type Compression, decompress } from '../compress/index.ts';
import { type Blob, checkDescriptor, type Descriptor } from '../oci/index.ts';
import { type ContentCache, type Digest, digestStream, messageOf, type OnEvent } from '../util/index.ts';

/** A shared cache of layers by the same key (a registry repository: io's CacheRepo). */
export interface RemoteLayers {
  /** Where it is, for messages. */
  readonly name: string;
  findLayer(key: string): Promise<{ blob: Blob; diffId: Digest } | undefined>;
  keepLayer(key: string, diffId: Digest, blob: Blob): Promise<void>;
}

/** Bumped whenever the bytes pith writes for the same tar and compression change (tar or gzip framing). */
export const LAYER_FORMAT_VERSION = 1;

export class LayerStore {
  readonly cache: ContentCache;
  readonly onEvent: OnEvent | undefined;
  readonly remote: RemoteLayers | undefined;

  /** `remote`, when given, is asked on a local miss and given every layer compressed here. */
  constructor(cache: ContentCache, onEvent?: OnEvent, remote?: RemoteLayers) {
    this.cache = cache;
    this.onEvent = onEvent;
    this.remote = remote;
  }

  /** The cache key of a layer: its diff_id and how it is compressed. */
  static key(diffId: Digest, compression: Compression, level: number | undefined): string {
    return `pith-layer/v${LAYER_FORMAT_VERSION}/${compression}/${level ?? 'default'}/${diffId}`;
  }

  /** The compressed blob recorded under `key`, if it is still whole; undefined for a miss. */
  async find(key: string, diffId: Digest): Promise<Descriptor | undefined> {
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
    if (!blob.digest.startsWith('sha256:')) return undefined;
    return (await this.cache.holds(blob.digest.slice('sha256:'.length), blob.size)) ? blob : undefined;
  }

  /** Stores a compressed layer's stream and records it under `key`; returns its descriptor. */
  async keep(
    key: string,
    diffId: Digest,
    mediaType: string,
    compressed: AsyncIterable<Buffer>,
  ): Promise<Descriptor> {
    const { sha256: hex, size } = await this.cache.putStream(compressed);
    const blob: Descriptor = { mediaType, digest: `sha256:${hex}`, size };
    await this.cache.putNamed(key, Buffer.from(JSON.stringify({ diffId, blob })));
    return blob;
  }

  /**
   * The layer recorded under `key` in the remote cache, copied into the local one (streamed, its digest
   * checked on the way), or undefined for a miss. A remote that fails is warned about and counts as a miss.
   */
  async pull(key: string, diffId: Digest, compression: Compression): Promise<Descriptor | undefined> {
    if (!this.remote) return undefined;
    try {
      const found = await this.remote.findLayer(key);
      if (!found || found.diffId !== diffId || !found.blob.descriptor.digest.startsWith('sha256:'))
        return undefined;
      const { descriptor } = found.blob;
      const { sha256: hex, size } = await this.cache.putStream(found.blob.open());
      if (`sha256:${hex}` !== descriptor.digest || size !== descriptor.size) return undefined;
      // the record's word is not taken: the blob must unpack to the very tar this build would write
      const unpacked = await digestStream(decompress(this.cache.open(hex), compression));
      if (unpacked.digest !== diffId) {
        this.#warn(
          `layer ${descriptor.digest}`,
          new Error(`it unpacks to ${unpacked.digest}, not ${diffId}; ignored`),
        );
        return undefined;
      }
      const blob: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size };
      await this.cache.putNamed(key, Buffer.from(JSON.stringify({ diffId, blob })));
      return blob;
    } catch (err) {
      this.#warn(`reading layer ${diffId}`, err);
      return undefined;
    }
  }

  /** Gives a layer compressed here to the remote cache; a failure is warned about. */
  async share(key: string, diffId: Digest, descriptor: Descriptor): Promise<void> {
    await this.remote?.keepLayer(key, diffId, this.blob(descriptor)).catch((err: unknown) => {
      this.#warn(`storing layer ${diffId}`, err);
    });
  }

  #warn(what: string, err: unknown): void {
    this.onEvent?.({
      type: 'warning',
      code: 'CACHE_REPO_FAILED',
      message: `cache repository ${this.remote?.name}: ${what}: ${messageOf(err)}; going on without it`,
    });
  }

  /** A cached blob, read from the cache each time it is opened. */
  blob(descriptor: Descriptor): Blob {
    const hex = descriptor.digest.slice('sha256:'.length);
    return { descriptor, open: () => this.cache.open(hex) };
  }
}
