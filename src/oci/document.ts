// A JSON document (manifest, index, config) that keeps the exact bytes it was parsed from or built with.
// Digests are always of those bytes, never of a re-serialisation; the digest is computed once.
import { canonicalJsonBytes, type Digest, PithError, sha256 } from '../util/index.ts';
import type { Descriptor } from './descriptor.ts';

export class JsonDocument<T> {
  readonly raw: Buffer;
  readonly value: T;
  readonly mediaType: string;
  #digest: Digest | undefined;

  constructor(raw: Buffer, value: T, mediaType: string) {
    this.raw = raw;
    this.value = value;
    this.mediaType = mediaType;
  }

  /** Builds a document from a value, serialised canonically. */
  static of<T>(value: T, mediaType: string): JsonDocument<T> {
    return new JsonDocument(canonicalJsonBytes(value), value, mediaType);
  }

  get digest(): Digest {
    this.#digest ??= sha256(this.raw);
    return this.#digest;
  }

  get size(): number {
    return this.raw.length;
  }

  /** A descriptor of this document, with optional extra fields (platform, annotations). */
  descriptor(extra: Partial<Descriptor> = {}): Descriptor {
    return { mediaType: this.mediaType, digest: this.digest, size: this.size, ...extra };
  }
}

/** Parses JSON bytes into an object, with an `invalid` error naming `where` when they are not. */
export function parseJsonObject(raw: Buffer, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    throw new PithError('invalid', 'BAD_JSON', `${where}: not valid JSON`, { cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PithError('invalid', 'BAD_JSON', `${where}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}
