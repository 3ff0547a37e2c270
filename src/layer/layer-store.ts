// The layer cache: compressed layer blobs kept in the content cache, found again by what determines their
// bytes — the diff_id (sha256 of the uncompressed tar, which covers every file's content and metadata),
// the compression, its level and pith's layer format version. This is how BuildKit and containerd find a
// compressed blob for an uncompressed one. A warm build still writes each tar to hash it (cheap), but
// compresses only the layers whose tar changed. Records are named entries of the content cache, the blobs
// its content; both are written atomically, so builds racing on one cache only ever see whole entries, and
// every hit is read and hashed again before use: a corrupt entry is a miss, rebuilt and replaced.
import type { Compression } from '../compress/index.ts';
import { type Blob, checkDescriptor, type Descriptor } from '../oci/index.ts';
import type { ContentCache, Digest, OnEvent } from '../util/index.ts';

/** Bumped whenever the bytes pith writes for the same tar and compression change (tar or gzip framing). */
export const LAYER_FORMAT_VERSION = 1;

export class LayerStore {
  readonly cache: ContentCache;
  readonly onEvent: OnEvent | undefined;

  constructor(cache: ContentCache, onEvent?: OnEvent) {
    this.cache = cache;
    this.onEvent = onEvent;
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

  /** A cached blob, read from the cache each time it is opened. */
  blob(descriptor: Descriptor): Blob {
    const hex = descriptor.digest.slice('sha256:'.length);
    return { descriptor, open: () => this.cache.open(hex) };
  }
}
