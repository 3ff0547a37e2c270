// The image manifest (image-spec manifest.md), OCI or Docker schema 2: parse with required-field checks.
import { PithError } from '../util/index.ts';
import type { Annotations } from './annotations.ts';
import { checkDescriptor, type Descriptor } from './descriptor.ts';
import { JsonDocument, parseJsonObject } from './document.ts';
import { checkCount, LIMITS } from './limits.ts';
import { MediaType } from './media-types.ts';

export interface ManifestJson {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Annotations;
  [extra: string]: unknown;
}

export type Manifest = JsonDocument<ManifestJson>;

/** Parses manifest bytes; `mediaType` is the type it was served or referenced with. */
export function parseManifest(raw: Buffer, mediaType?: string, where = 'manifest'): Manifest {
  const v = parseJsonObject(raw, where, LIMITS.manifestBytes);
  if (v['schemaVersion'] !== 2) {
    throw new PithError(
      'invalid',
      'BAD_MANIFEST',
      `${where}: schemaVersion must be 2, got ${JSON.stringify(v['schemaVersion'])}`,
    );
  }
  checkDescriptor(v['config'], `${where}: config`);
  if (!Array.isArray(v['layers']))
    throw new PithError('invalid', 'BAD_MANIFEST', `${where}: layers must be an array`);
  checkCount(v['layers'].length, LIMITS.layers, where, 'layers');
  for (const [i, l] of v['layers'].entries()) checkDescriptor(l, `${where}: layers[${i}]`);
  if (v['subject'] !== undefined) checkDescriptor(v['subject'], `${where}: subject`);
  const mt = typeof v['mediaType'] === 'string' ? v['mediaType'] : (mediaType ?? MediaType.ociManifest);
  return new JsonDocument(raw, v as ManifestJson, mt);
}

/** Builds an OCI image manifest document, serialised canonically. */
export function buildManifest(parts: {
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Annotations;
  mediaType?: string;
  /** An artifact's type (image-spec 1.1), for manifests that are not images. */
  artifactType?: string;
  /** The manifest this one refers to (image-spec 1.1): it becomes one of that manifest's referrers. */
  subject?: Descriptor;
}): Manifest {
  const mediaType = parts.mediaType ?? MediaType.ociManifest;
  const value: ManifestJson = {
    schemaVersion: 2,
    mediaType,
    ...(parts.artifactType ? { artifactType: parts.artifactType } : {}),
    config: parts.config,
    layers: parts.layers,
    ...(parts.subject ? { subject: parts.subject } : {}),
    ...(parts.annotations && Object.keys(parts.annotations).length > 0
      ? { annotations: parts.annotations }
      : {}),
  };
  return JsonDocument.of(value, mediaType);
}
