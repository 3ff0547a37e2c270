// Images and indexes as values: manifest/index documents (raw bytes kept), configs, and lazily readable
// blobs. `Artifact` is what every source produces and every sink consumes (ggcr's v1.Image/ImageIndex).
import { type Digest, epochToRfc3339 } from '../util/index.ts';
import { Annotation, type Annotations } from './annotations.ts';
import { type Blob, memoryBlob } from './blob.ts';
import type { Descriptor } from './descriptor.ts';
import type { JsonDocument } from './document.ts';
import { ociError } from './error-codes.ts';
import {
  buildImageConfig,
  configPlatform,
  type HistoryEntry,
  type ImageConfig,
  type ImageConfigJson,
  parseImageConfig,
} from './image-config.ts';
import { buildIndex, type IndexDocument } from './image-index.ts';
import { buildManifest, type Manifest } from './manifest.ts';
import { isImageConfigType } from './media-types.ts';

export interface Image {
  readonly kind: 'image';
  readonly manifest: Manifest;
  /** The parsed config when its media type is an image config; null for artifacts with opaque configs. */
  readonly config: ImageConfig | null;
  readonly configBlob: Blob;
  /** Layer blobs, in manifest order. */
  readonly layers: readonly Blob[];
}

export interface Index {
  readonly kind: 'index';
  readonly index: IndexDocument;
  /** One child per `manifests[]` entry, in order. */
  readonly children: readonly Child[];
}

/** An index entry whose media type is neither a manifest nor an index: kept as an opaque blob. */
export interface OpaqueChild {
  readonly kind: 'blob';
  readonly blob: Blob;
}

export type Artifact = Image | Index;
export type Child = Artifact | OpaqueChild;

/** A layer as a builder produces it: the stored blob and the digest of its uncompressed tar. */
export interface LayerBlob {
  readonly blob: Blob;
  readonly diffId: Digest;
  /** What produced it, recorded in the config history. */
  readonly createdBy?: string;
}

/** The document at the top of an artifact. */
export function topDocument(a: Artifact): JsonDocument<unknown> {
  return a.kind === 'image' ? a.manifest : a.index;
}

/** Assembles an image from a manifest and its blobs, parsing the config when it is an image config. */
export async function imageFromParts(
  manifest: Manifest,
  configBlob: Blob,
  configRaw: Buffer,
  layers: Blob[],
): Promise<Image> {
  const mt = manifest.value.config.mediaType;
  const config = isImageConfigType(mt)
    ? parseImageConfig(configRaw, mt, `config ${manifest.value.config.digest}`)
    : null;
  return { kind: 'image', manifest, config, configBlob, layers };
}

export interface BuildImageOptions {
  /** Everything but rootfs and history, which are derived from the layers. */
  config: Pick<ImageConfigJson, 'architecture' | 'os'> &
    Partial<Pick<ImageConfigJson, 'variant' | 'os.version' | 'author' | 'config'>>;
  layers: readonly LayerBlob[];
  /** Seconds since the epoch for `created` and the history entries. */
  epoch: number;
  annotations?: Annotations;
  /** History of the base image's layers; `layers` then starts with the base's layers. */
  baseHistory?: HistoryEntry[];
}

/** How many layers a history describes (entries without empty_layer). */
function baseLayerCount(h: HistoryEntry[] | undefined): number {
  return (h ?? []).filter((e) => !e.empty_layer).length;
}

/** Builds an OCI image from layers: config with diff_ids and aligned history, then the manifest. */
export function buildImage(opts: BuildImageOptions): Image {
  const created = epochToRfc3339(opts.epoch);
  const configValue: ImageConfigJson = {
    ...opts.config,
    created,
    rootfs: { type: 'layers', diff_ids: opts.layers.map((l) => l.diffId) },
    history: [
      ...(opts.baseHistory ?? []),
      ...opts.layers
        .slice(baseLayerCount(opts.baseHistory))
        .map((l) => ({ created, created_by: l.createdBy ?? 'pith' })),
    ],
  };
  const config = buildImageConfig(configValue);
  const configBlob = memoryBlob(config.descriptor(), config.raw);
  const annotations = { [Annotation.created]: created, ...opts.annotations };
  const manifest = buildManifest({
    config: config.descriptor(),
    layers: opts.layers.map((l) => l.blob.descriptor),
    annotations,
  });
  return { kind: 'image', manifest, config, configBlob, layers: opts.layers.map((l) => l.blob) };
}

/** Builds an index over images, each descriptor carrying the platform from the image's config. */
export function buildIndexOf(images: readonly Image[], annotations?: Annotations): Index {
  const descriptors: Descriptor[] = images.map((img) => {
    if (!img.config) throw ociError('NO_IMAGE_CONFIG', 'an index of images needs image configs');
    return img.manifest.descriptor({ platform: configPlatform(img.config.value) });
  });
  return { kind: 'index', index: buildIndex(descriptors, annotations), children: images };
}

/** Every image in an artifact (the image itself, or an index's images, depth first). */
export function imagesOf(a: Child): Image[] {
  if (a.kind === 'image') return [a];
  if (a.kind === 'index') return a.children.flatMap(imagesOf);
  return [];
}

/**
 * Every blob an artifact needs, each once, in push order: layers and configs before the manifest that
 * names them, children before their index (distribution-spec: blobs, then config, then manifest).
 */
export function blobsInPushOrder(a: Child): Blob[] {
  const seen = new Set<string>();
  const out: Blob[] = [];
  const add = (b: Blob) => {
    if (!seen.has(b.descriptor.digest)) {
      seen.add(b.descriptor.digest);
      out.push(b);
    }
  };
  const walk = (c: Child) => {
    if (c.kind === 'blob') add(c.blob);
    else if (c.kind === 'image') {
      for (const l of c.layers) add(l);
      add(c.configBlob);
      add(memoryBlob(c.manifest.descriptor(), c.manifest.raw));
    } else {
      for (const child of c.children) walk(child);
      add(memoryBlob(c.index.descriptor(), c.index.raw));
    }
  };
  walk(a);
  return out;
}
