// Byte-level progress of blob transfers, pulls and pushes alike: `{ digest, done, total }` as bytes pass,
// once at the start, then at most every 200 ms per transfer, and always at the last byte, so that a
// renderer is never flooded. A retried transfer starts counting again from where its bytes start.
import type { Digest } from '../../util/index.ts';

export interface BlobProgress {
  digest: Digest;
  /** Bytes transferred so far. */
  done: number;
  /** The blob's size. */
  total: number;
}

export type OnProgress = (p: BlobProgress) => void;

const INTERVAL_MS = 200;

/** Passes `chunks` through, reporting the bytes that went by (counted from `start`). */
export async function* withProgress(
  chunks: AsyncIterable<Buffer>,
  blob: { digest: Digest; size: number },
  onProgress: OnProgress | undefined,
  start = 0,
  now: () => number = Date.now,
): AsyncGenerator<Buffer> {
  if (!onProgress) return yield* chunks;
  const report = (done: number) => onProgress({ digest: blob.digest, done, total: blob.size });
  let done = start;
  let last = now();
  report(done);
  for await (const c of chunks) {
    done += c.length;
    if (done >= blob.size || now() - last >= INTERVAL_MS) {
      last = now();
      report(done);
    }
    yield c;
  }
}
