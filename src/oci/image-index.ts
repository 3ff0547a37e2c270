// The image index (image-spec image-index.md), OCI or Docker manifest list: parse and build.
import { PithError } from '../util/index.ts';
import type { Annotations } from './annotations.ts';
import { checkDescriptor, type Descriptor } from './descriptor.ts';
import { JsonDocument, parseJsonObject } from './document.ts';
import { checkCount, LIMITS } from './limits.ts';
import { MediaType } from './media-types.ts';

export interface IndexJson {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Annotations;
  [extra: string]: unknown;
}

export type IndexDocument = JsonDocument<IndexJson>;

/** Parses index bytes with required-field checks. */
export function parseIndex(raw: Buffer, mediaType?: string, where = 'index'): IndexDocument {
  const v = parseJsonObject(raw, where, LIMITS.indexBytes);
  if (v['schemaVersion'] !== 2) {
    throw new PithError(
      'invalid',
      'BAD_INDEX',
      `${where}: schemaVersion must be 2, got ${JSON.stringify(v['schemaVersion'])}`,
    );
  }
  // moby#47210: `docker save` by digest wrote "manifests": null; read it as empty.
  if (v['manifests'] === null) v['manifests'] = [];
  if (!Array.isArray(v['manifests']))
    throw new PithError('invalid', 'BAD_INDEX', `${where}: manifests must be an array`);
  checkCount(v['manifests'].length, LIMITS.indexEntries, where, 'manifests');
  for (const [i, m] of v['manifests'].entries()) checkDescriptor(m, `${where}: manifests[${i}]`);
  const mt = typeof v['mediaType'] === 'string' ? v['mediaType'] : (mediaType ?? MediaType.ociIndex);
  return new JsonDocument(raw, v as IndexJson, mt);
}

/** Builds an OCI image index, serialised canonically. */
export function buildIndex(manifests: Descriptor[], annotations?: Annotations): IndexDocument {
  const value: IndexJson = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests,
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  return JsonDocument.of(value, MediaType.ociIndex);
}
