// Bounds on what pith reads from images it did not build: document sizes (checked before a document is
// read whole), JSON nesting (checked by a linear scan before JSON.parse), list lengths, index nesting and
// the decompressed size of compressed archives. Every refusal names the limit it hit:
// "oci:x: index.json is 52428800 bytes, over the 4194304-byte limit for index documents".
import { PithError } from '../util/index.ts';
import { isIndexType, isManifestType } from './media-types.ts';

/** One bound: its name (reported in `--json` details), its value, and what it bounds (for messages). */
export interface Limit {
  readonly name: string;
  readonly max: number;
  readonly what: string;
}

const MiB = 1024 * 1024;

export const LIMITS = {
  /** Image indexes and manifest lists, index.json included (distribution-spec: registries accept 4 MiB). */
  indexBytes: { name: 'indexBytes', max: 4 * MiB, what: 'index documents' },
  /** Image manifests. */
  manifestBytes: { name: 'manifestBytes', max: 4 * MiB, what: 'manifests' },
  /** Image configs (and other config blobs read whole). */
  configBytes: { name: 'configBytes', max: 8 * MiB, what: 'image configs' },
  /** The `oci-layout` marker file. */
  layoutMarkerBytes: { name: 'layoutMarkerBytes', max: 64 * 1024, what: 'oci-layout files' },
  /** The `manifest.json` of a docker-archive. */
  archiveManifestBytes: { name: 'archiveManifestBytes', max: 4 * MiB, what: 'docker-archive manifest.json' },
  /** Nesting of arrays and objects in any JSON document. */
  jsonDepth: { name: 'jsonDepth', max: 64, what: 'levels of JSON nesting' },
  /** `manifests` of an index. */
  indexEntries: { name: 'indexEntries', max: 10_000, what: 'manifests per index' },
  /** `layers` of a manifest (and `Layers` of a docker-archive manifest.json entry). */
  layers: { name: 'layers', max: 10_000, what: 'layers per manifest' },
  /** `rootfs.diff_ids` of a config. */
  diffIds: { name: 'diffIds', max: 10_000, what: 'diff_ids per config' },
  /** `history` of a config. */
  history: { name: 'history', max: 10_000, what: 'history entries per config' },
  /** Images listed in a docker-archive manifest.json. */
  archiveImages: { name: 'archiveImages', max: 10_000, what: 'images per docker-archive' },
  /**
   * Manifests and indexes in one artifact, counting each time one is listed: an index may list a child many
   * times, and a few nested levels of repeats would otherwise stand for billions of images.
   */
  artifactNodes: {
    name: 'artifactNodes',
    max: 10_000,
    what: 'manifests and indexes per artifact (repeats counted)',
  },
  /** A registry's tag list page (distribution-spec end-8a). */
  tagListBytes: { name: 'tagListBytes', max: 16 * MiB, what: 'tag list pages' },
  /** Tags listed for one repository, over all pages. */
  tags: { name: 'tags', max: 1_000_000, what: 'tags per repository' },
  /** Indexes within indexes. */
  indexNesting: { name: 'indexNesting', max: 8, what: 'levels of nested indexes' },
  /** Members of an archive file (an image layout has a few per image; `docker save` a few more). */
  archiveMembers: { name: 'archiveMembers', max: 100_000, what: 'members per archive' },
  /** What a gzip- or zstd-compressed archive may decompress to (also never more than $TMPDIR has free). */
  archiveBytes: { name: 'archiveBytes', max: 16 * 1024 * MiB, what: 'decompressed archives' },
} as const satisfies Record<string, Limit>;

/** The error for a limit that was hit; `text` says by what. */
export function limitError(where: string, text: string, limit: Limit, actual?: number): PithError {
  return new PithError('invalid', 'LIMIT_EXCEEDED', `${where}: ${text}`, {
    details: { limit: limit.name, max: limit.max, ...(actual !== undefined ? { actual } : {}) },
  });
}

/** Throws unless `size` bytes of `subject` fit a byte limit. */
export function checkSize(size: number, limit: Limit, where: string, subject: string): void {
  if (size > limit.max)
    throw limitError(
      where,
      `${subject} is ${size} bytes, over the ${limit.max}-byte limit for ${limit.what}`,
      limit,
      size,
    );
}

/** Throws unless a list of `count` entries fits a count limit. */
export function checkCount(count: number, limit: Limit, where: string, subject: string): void {
  if (count > limit.max)
    throw limitError(
      where,
      `${subject} has ${count} entries, over the limit of ${limit.max} ${limit.what}`,
      limit,
      count,
    );
}

/**
 * Throws if JSON text nests arrays and objects deeper than the limit: one pass over the bytes, skipping
 * strings, so a document of nested brackets is refused before JSON.parse allocates anything.
 */
export function checkJsonDepth(raw: Uint8Array, where: string, limit: Limit = LIMITS.jsonDepth): void {
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x22) i = stringEnd(raw, i);
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > limit.max)
        throw limitError(where, `nested deeper than the limit of ${limit.max} ${limit.what}`, limit);
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
}

/** The index of the quote closing the string that opens at `start` (or the end of the input). */
function stringEnd(raw: Uint8Array, start: number): number {
  for (let i = start + 1; i < raw.length; i++) {
    if (raw[i] === 0x5c) i++;
    else if (raw[i] === 0x22) return i;
  }
  return raw.length;
}

/** The byte limit for a document read whole by its descriptor's media type. */
export function documentLimit(mediaType: string): Limit {
  if (isIndexType(mediaType)) return LIMITS.indexBytes;
  if (isManifestType(mediaType)) return LIMITS.manifestBytes;
  return LIMITS.configBytes;
}
