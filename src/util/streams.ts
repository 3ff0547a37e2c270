// Small stream helpers over async iterables of Buffers, with errors propagated in both directions.
import { pipeline, Readable, type Transform } from 'node:stream';

/** Pipes chunks through a Node Transform and yields its output; an error on either side rejects. */
export function through(source: AsyncIterable<Buffer>, transform: Transform): AsyncIterable<Buffer> {
  pipeline(Readable.from(source, { objectMode: false }), transform, () => {
    // errors surface through the iteration of `transform`, which pipeline destroys with the error
  });
  return transform;
}

/** Counts bytes of a stream while passing them on. */
export async function* counting(
  source: AsyncIterable<Buffer>,
  onChunk: (c: Buffer) => void,
): AsyncIterable<Buffer> {
  for await (const c of source) {
    onChunk(c);
    yield c;
  }
}

/** Drains a stream, discarding the chunks. */
export async function drain(source: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of source) {
    // discard
  }
}

/** A buffer as a stream of one chunk. */
export async function* oneChunk(bytes: Buffer): AsyncIterable<Buffer> {
  yield bytes;
}

/** Every item of an async iterable, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

/** The whole of a stream, as one Buffer. */
export async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/**
 * Joins small chunks into ones of at least `min` bytes (the last may be shorter): a network body arrives
 * in pieces of a few KiB, and every piece costs each stage after it (a hash update, a write call).
 */
export async function* coalesce(source: AsyncIterable<Buffer>, min = 1 << 20): AsyncIterable<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const c of source) {
    if (size === 0 && c.length >= min) {
      yield c;
      continue;
    }
    parts.push(c);
    size += c.length;
    if (size >= min) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
}
