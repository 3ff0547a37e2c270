// Builds an artifact (image, index, or a plain blob) from any store that can hand over a document whole
// and a blob lazily — ggcr's "partial" idea: the layout reader and the registry puller are stores, and the
// walk is written once. Each child is loaded once however many index entries name it (same digest, media
// type and size), indexes nest at most LIMITS.indexNesting deep, and configs are read (and verified by the
// store) now while layers stay lazy.
import type { Blob } from './blob.ts';
import type { Descriptor } from './descriptor.ts';
import { type Child, imageFromParts } from './image.ts';
import { parseIndex } from './image-index.ts';
import { LIMITS, limitError } from './limits.ts';
import { parseManifest } from './manifest.ts';
import { isIndexType, isManifestType } from './media-types.ts';

/** Where an artifact's parts come from: no I/O here, only what a store does. */
export interface ArtifactStore {
  /** A document (index, manifest) or config, whole, checked against its descriptor. */
  document(desc: Descriptor): Promise<Buffer>;
  /** A blob read only when streamed. */
  blob(desc: Descriptor): Blob;
  /** How messages name a document: `oci:out: index sha256:…`. */
  where(desc: Descriptor, kind: 'index' | 'manifest'): string;
}

/** One read of an artifact from a store. */
export class ArtifactLoader {
  readonly #store: ArtifactStore;
  readonly #loaded = new Map<string, Promise<Child>>();

  constructor(store: ArtifactStore) {
    this.#store = store;
  }

  /** What a descriptor points at, recursively for indexes; `depth` counts the indexes above it. */
  load(desc: Descriptor, depth = 0): Promise<Child> {
    const key = `${desc.digest} ${desc.mediaType} ${desc.size}`;
    let child = this.#loaded.get(key);
    if (!child) {
      child = this.#read(desc, depth);
      this.#loaded.set(key, child);
    }
    return child;
  }

  /** The child a document already in hand makes (a registry's top manifest, fetched by tag). */
  async fromDocument(desc: Descriptor, bytes: Buffer, depth = 0): Promise<Child> {
    const store = this.#store;
    if (isIndexType(desc.mediaType)) {
      const where = store.where(desc, 'index');
      const limit = LIMITS.indexNesting;
      if (depth >= limit.max)
        throw limitError(where, `indexes nest deeper than the limit of ${limit.max} ${limit.what}`, limit);
      const index = parseIndex(bytes, desc.mediaType, where);
      const children: Child[] = [];
      for (const d of index.value.manifests) children.push(await this.load(d, depth + 1));
      return { kind: 'index', index, children };
    }
    if (isManifestType(desc.mediaType)) {
      const manifest = parseManifest(bytes, desc.mediaType, store.where(desc, 'manifest'));
      const config = manifest.value.config;
      return imageFromParts(
        manifest,
        store.blob(config),
        await store.document(config),
        manifest.value.layers.map((l) => store.blob(l)),
      );
    }
    return {
      kind: 'blob',
      blob: {
        descriptor: desc,
        open: async function* () {
          yield bytes;
        },
      },
    };
  }

  async #read(desc: Descriptor, depth: number): Promise<Child> {
    if (!isIndexType(desc.mediaType) && !isManifestType(desc.mediaType))
      return { kind: 'blob', blob: this.#store.blob(desc) };
    return this.fromDocument(desc, await this.#store.document(desc), depth);
  }
}
