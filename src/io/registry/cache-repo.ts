// A registry repository used as a content cache that many runners share (`--cache-repo`), and as the
// store `pith mirror` fills with a lock's .deb files. Everything is an ordinary OCI artifact, so any
// registry (and its storage driver) serves it, and nothing is garbage-collected while its tag stands:
//  - a .deb is a blob addressed by its own sha256, carried by an artifact tagged `deb-<sha256>`
//    (artifactType application/vnd.debian.binary-package, the layer titled with its pool file name);
//  - a compressed layer is a blob carried by an artifact tagged `layer-<sha256 of its cache key>`, whose
//    annotations hold the key and the layer's diff_id (the key is what the local layer cache uses).
// Reads are streamed and verified by the client against their digests; callers verify a .deb against the
// index or lock too, so the repository is never trusted. Blobs already there are not sent again.
import {
  Annotation,
  type Blob,
  buildArtifact,
  checkDescriptor,
  type Descriptor,
  type ImageReference,
  memoryBlob,
  verifyingBlob,
} from '../../oci/index.ts';
import { type Digest, isDigest, PithError, readAll, sha256 } from '../../util/index.ts';
import type { RegistryClient } from './client.ts';
import { pushArtifact } from './push.ts';
import { RegistryError } from './transport/index.ts';

export const CacheArtifactType = {
  deb: 'application/vnd.debian.binary-package',
  layer: 'application/vnd.dev.pith.layer-cache.v1',
} as const;

export const CacheAnnotation = {
  /** The layer cache key the artifact was stored under. */
  key: 'dev.pith.layer.key',
  /** The layer's diff_id (sha256 of its uncompressed tar). */
  diffId: 'dev.pith.layer.diff-id',
} as const;

/** The largest layer-cache manifest read (it has one layer and two annotations). */
const MAX_RECORD = 64 << 10;

export class CacheRepo {
  readonly ref: ImageReference;
  readonly client: RegistryClient;

  constructor(ref: ImageReference, client: RegistryClient) {
    this.ref = ref;
    this.client = client;
  }

  /** `docker://HOST/REPO`, for messages. */
  get name(): string {
    return `docker://${this.ref.registry}/${this.ref.repository}`;
  }

  /** The bytes of the .deb with this sha256 and size, or undefined when the repository has none. */
  async fetchDeb(hex: string, size: number): Promise<Buffer | undefined> {
    const desc: Descriptor = { mediaType: CacheArtifactType.deb, digest: `sha256:${hex}`, size };
    // one GET: a 404 is a miss
    return readAll(this.client.getBlob(this.ref.repository, desc)).catch((err: unknown) => {
      if (err instanceof RegistryError && err.status === 404) return undefined;
      throw err;
    });
  }

  /** Stores a verified .deb (and its tag); says whether its blob was sent or was there already. */
  async keepDeb(hex: string, bytes: Buffer, fileName: string): Promise<'uploaded' | 'present' | 'mounted'> {
    const blob = memoryBlob(
      {
        mediaType: CacheArtifactType.deb,
        digest: `sha256:${hex}`,
        size: bytes.length,
        annotations: { [Annotation.title]: fileName },
      },
      bytes,
    );
    const artifact = buildArtifact({ artifactType: CacheArtifactType.deb, layers: [blob] });
    let how: 'uploaded' | 'present' | 'mounted' = 'present';
    await pushArtifact(this.client, this.ref.repository, artifact, `deb-${hex}`, {
      onBlob: (d, h) => {
        if (d.digest === blob.descriptor.digest) how = h;
      },
    });
    return how;
  }

  /** The compressed layer recorded under `key` (its blob read lazily), or undefined for a miss. */
  async findLayer(key: string): Promise<{ blob: Blob; diffId: Digest } | undefined> {
    const tag = layerTag(key);
    const got = await this.client.getManifest(this.ref.repository, tag).catch((err: unknown) => {
      if (err instanceof RegistryError && err.status === 404) return undefined;
      throw err;
    });
    if (!got) return undefined;
    const where = `${this.name}:${tag}`;
    if (got.bytes.length > MAX_RECORD)
      throw new PithError('invalid', 'BAD_CACHE_RECORD', `${where}: ${got.bytes.length} bytes is too large`);
    let m: { artifactType?: unknown; layers?: unknown; annotations?: Record<string, unknown> };
    try {
      m = JSON.parse(got.bytes.toString('utf8'));
    } catch (cause) {
      throw new PithError('invalid', 'BAD_CACHE_RECORD', `${where}: not JSON`, { cause });
    }
    const diffId = m.annotations?.[CacheAnnotation.diffId];
    if (
      m.artifactType !== CacheArtifactType.layer ||
      m.annotations?.[CacheAnnotation.key] !== key ||
      !isDigest(diffId) ||
      !Array.isArray(m.layers) ||
      m.layers.length !== 1
    )
      throw new PithError(
        'invalid',
        'BAD_CACHE_RECORD',
        `${where}: not a pith layer-cache record for this key`,
      );
    let descriptor: Descriptor;
    try {
      descriptor = checkDescriptor(m.layers[0], `${where} layers[0]`);
    } catch (cause) {
      throw new PithError('invalid', 'BAD_CACHE_RECORD', (cause as Error).message, { cause });
    }
    const repo = this.ref.repository;
    return { diffId, blob: verifyingBlob(descriptor, () => this.client.getBlob(repo, descriptor)) };
  }

  /**
   * Records a compressed layer under `key`, pushing its blob unless the repository has it; with
   * `ifMissing`, nothing is sent when a record stands under `key` already.
   */
  async keepLayer(
    key: string,
    diffId: Digest,
    blob: Blob,
    opts: { ifMissing?: boolean } = {},
  ): Promise<void> {
    if (opts.ifMissing && (await this.client.manifestDescriptor(this.ref.repository, layerTag(key)))) return;
    const artifact = buildArtifact({
      artifactType: CacheArtifactType.layer,
      layers: [blob],
      annotations: { [CacheAnnotation.key]: key, [CacheAnnotation.diffId]: diffId },
    });
    await pushArtifact(this.client, this.ref.repository, artifact, layerTag(key));
  }
}

/** The tag of a layer-cache record: `layer-` and the sha256 of the key (tags allow 128 characters). */
function layerTag(key: string): string {
  return `layer-${sha256(key).slice('sha256:'.length)}`;
}
