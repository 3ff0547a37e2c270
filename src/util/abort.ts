// Cancellation: every long operation takes an AbortSignal; once it fires, the operation stops at its next
// await, removes what it was writing and rejects with one ABORTED error (the signal's reason as cause).
import { PithError } from './errors.ts';

/** The error an operation rejects with when its signal fired; `what` says what was stopped. */
export function abortedError(signal: AbortSignal, what = 'stopped'): PithError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new PithError('io', 'ABORTED', `${what}: cancelled${why}`, { cause: reason });
}

/** Throws the ABORTED error if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortedError(signal, what);
}

/** Waits `ms`, or rejects with ABORTED as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  return new Promise((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
