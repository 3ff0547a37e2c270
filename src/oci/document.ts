// A JSON document (manifest, index, config) that keeps the exact bytes it was parsed from or built with.
// Digests are always of those bytes, never of a re-serialisation; the digest is computed once.
import { canonicalJsonBytes, type Digest, PithError, sha256 } from '../util/index.ts';
import type { Descriptor } from './descriptor.ts';
import { checkJsonDepth, checkSize, type Limit } from './limits.ts';

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

/**
 * Parses JSON bytes from an untrusted source within bounds: the byte limit and the nesting limit are
 * checked before JSON.parse; an `invalid` error names `where` when the bytes are not JSON.
 */
export function parseJson(raw: Buffer, where: string, limit: Limit): unknown {
  checkSize(raw.length, limit, where, 'the document');
  checkJsonDepth(raw, where);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (cause) {
    throw new PithError('invalid', 'BAD_JSON', `${where}: not valid JSON`, { cause });
  }
}

/** `parseJson` for documents that must be a JSON object. */
export function parseJsonObject(raw: Buffer, where: string, limit: Limit): Record<string, unknown> {
  const value = parseJson(raw, where, limit);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PithError('invalid', 'BAD_JSON', `${where}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}
