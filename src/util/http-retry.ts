// Retry with backoff, the one implementation every client shares (registries, the Debian mirror; oci.md
// §12.7): the policy (attempts, listener, injectable sleep, cancel signal), the pause between attempts,
// capped exponential backoff without jitter (one CLI, not a fleet), Retry-After (seconds or an HTTP date,
// at most 30 s), and the Content-Range of a resumed download (RFC 9110 §14.4). Each client's loop decides
// what is worth another attempt; how long to wait and how to wait is decided here.
import { sleep, throwIfAborted } from './abort.ts';

/** Attempts in all, by default. */
export const DEFAULT_ATTEMPTS = 4;

/** What a retry is told about (the attempt that failed, 1-based). */
export interface RetryInfo {
  attempt: number;
  reason: string;
  delayMs: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Waits between attempts (default: a timer the signal cancels); tests pass one that returns at once. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** A fired signal ends the retries: the wait rejects with ABORTED. */
  signal?: AbortSignal | undefined;
}

/** Tells onRetry about failed attempt `n`, then waits `delayMs` (or rejects with ABORTED). */
export function pause(policy: RetryPolicy, n: number, reason: string, delayMs: number): Promise<void> {
  throwIfAborted(policy.signal);
  policy.onRetry?.({ attempt: n, reason, delayMs });
  return policy.sleep ? policy.sleep(delayMs) : sleep(delayMs, policy.signal);
}

const BASE_MS = 250;
const MAX_BACKOFF_MS = 4_000;
const MAX_RETRY_AFTER_MS = 30_000;

/** The pause after failed attempt `n` (1-based): 250, 500, 1000, 2000, 4000, 4000… ms. */
export function backoffMs(n: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_MS * 2 ** Math.max(0, n - 1));
}

/** A Retry-After value in ms (delta seconds or an HTTP date), capped at 30 s; undefined when unusable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = /[a-z]/i.test(v) ? Date.parse(v) : Number.NaN; // an HTTP date names its month
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`); undefined when absent or malformed. */
export function parseContentRange(
  value: string | null | undefined,
): { start: number; total?: number } | undefined {
  const m = /^bytes\s+(\d+)-\d+\/(\d+|\*)$/i.exec(value?.trim() ?? '');
  if (!m) return undefined;
  return m[2] === '*' ? { start: Number(m[1]) } : { start: Number(m[1]), total: Number(m[2]) };
}
