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

/** The whole of a stream, as one Buffer. */
export async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
