// The one bounded worker pool (downloads of .deb files, blob uploads): at most `limit` items at once, in
// order. On the first failure no new item starts, and the pool waits for the items in flight to settle
// before it rejects, so a failed or cancelled run leaves nothing running (and no file half-written) behind.
import { abortedError } from './abort.ts';

/** Runs `work` on every item, at most `limit` at a time; rejects with the first failure once all settled. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      if (signal?.aborted) {
        failure ??= { err: abortedError(signal) };
        return;
      }
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.err;
}
