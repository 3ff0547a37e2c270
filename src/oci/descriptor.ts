// Content descriptors (image-spec descriptor.md): what every reference between OCI objects is made of.
import { type Digest, isDigest, PithError } from '../util/index.ts';
import type { Annotations } from './annotations.ts';
import type { Platform } from './platform.ts';

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Annotations;
  data?: string;
  platform?: Platform;
  artifactType?: string;
}

/** Checks the REQUIRED fields of a parsed descriptor, throwing an `invalid` error naming `where`. */
export function checkDescriptor(value: unknown, where: string): Descriptor {
  const fail = (why: string): never => {
    throw new PithError('invalid', 'BAD_DESCRIPTOR', `${where}: ${why}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('not an object');
  const d = value as Record<string, unknown>;
  if (typeof d['mediaType'] !== 'string' || d['mediaType'] === '') fail('mediaType is missing');
  if (!isDigest(d['digest'])) fail(`digest ${JSON.stringify(d['digest'])} is not a valid digest`);
  const size = d['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    fail(`size ${JSON.stringify(size)} is not a non-negative integer`);
  return value as Descriptor;
}
