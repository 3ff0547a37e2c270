// Retries with capped exponential backoff (oci.md §12.7): 250 ms × 2^n up to 4 s, without jitter (one CLI,
// not a fleet), Retry-After honoured (seconds or an HTTP date, at most 30 s). Transient: statuses 408, 429,
// 500, 502, 503, 504 and connection failures (reset, hang-up, timeout). POST and PATCH, not idempotent,
// are retried only when no response came back and on 429/503, where the server did not act on them.
import { PithError } from '../../../util/index.ts';
import { RegistryError } from './errors.ts';
import { discard, type Exchange } from './http.ts';

/** Attempts in all, by default. */
export const DEFAULT_ATTEMPTS = 4;
const BASE_MS = 250;
const MAX_BACKOFF_MS = 4_000;
const MAX_RETRY_AFTER_MS = 30_000;

const IDEMPOTENT_RETRY = new Set([408, 429, 500, 502, 503, 504]);
const UNSAFE_RETRY = new Set([429, 503]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** What a retry is told about (the attempt that failed, 1-based). */
export interface RetryInfo {
  attempt: number;
  reason: string;
  delayMs: number;
}

export interface RetryPolicy {
  attempts: number;
  onRetry?: (info: RetryInfo) => void;
  sleep?: (ms: number) => Promise<void>;
}

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

/** True when a response status is worth another attempt for this method. */
export function retryableStatus(status: number, method: string): boolean {
  return (method === 'POST' || method === 'PATCH' ? UNSAFE_RETRY : IDEMPOTENT_RETRY).has(status);
}

/** True for connection failures worth another attempt (also wrapped in a status-less RegistryError). */
export function retryableNetworkError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof PithError && !(e instanceof RegistryError && e.status === undefined)) return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (/socket hang up|other side closed/i.test(e.message)) return true;
  }
  return false;
}

/** Runs `attempt` until it gives a final answer: a non-transient response, or the last attempt's. */
export async function retrying(
  method: string,
  policy: RetryPolicy,
  attempt: () => Promise<Exchange>,
): Promise<Exchange> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let n = 1; ; n++) {
    let x: Exchange;
    try {
      x = await attempt();
    } catch (err) {
      if (n >= policy.attempts || !retryableNetworkError(err)) throw err;
      const delayMs = backoffMs(n);
      policy.onRetry?.({ attempt: n, reason: reasonOf(err), delayMs });
      await sleep(delayMs);
      continue;
    }
    if (n >= policy.attempts || !retryableStatus(x.status, method)) return x;
    const delayMs = parseRetryAfter(x.headers.get('retry-after')) ?? backoffMs(n);
    discard(x);
    policy.onRetry?.({ attempt: n, reason: `HTTP ${x.status}`, delayMs });
    await sleep(delayMs);
  }
}

function reasonOf(err: unknown): string {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return err instanceof Error ? err.message : String(err);
}
