// Retries with capped exponential backoff (oci.md §12.7): 250 ms × 2^n up to 4 s, without jitter (one CLI,
// not a fleet), Retry-After honoured (seconds or an HTTP date, at most 30 s). Transient: statuses 408, 429,
// 500, 502, 503, 504 and connection failures (reset, hang-up, idle timeout, premature close, broken HTTP
// framing). POST and PATCH, not idempotent, are retried only when no response came back and on 429/503,
// where the server did not act on them. When attempts run out the error says so, and is final: no outer
// loop retries it again.
import {
  backoffMs,
  DEFAULT_ATTEMPTS,
  PithError,
  parseRetryAfter,
  pause,
  type RetryInfo,
  type RetryPolicy,
} from '../../../util/index.ts';

export { backoffMs, DEFAULT_ATTEMPTS, parseRetryAfter, pause, type RetryInfo, type RetryPolicy };

import { RegistryError } from './errors.ts';
import { discard, type Exchange } from './http.ts';

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
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** True when a response status is worth another attempt for this method. */
export function retryableStatus(status: number, method: string): boolean {
  return (method === 'POST' || method === 'PATCH' ? UNSAFE_RETRY : IDEMPOTENT_RETRY).has(status);
}

/** True for connection failures worth another attempt (also wrapped in a RegistryError, until it is final). */
export function retryableNetworkError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof RegistryError && e.attempts !== undefined) return false;
    if (e instanceof PithError && !(e instanceof RegistryError && e.code === 'REGISTRY_UNREACHABLE'))
      return false;
    if (networkCode(e) !== undefined) return true;
    if (/socket hang up|other side closed|^aborted$/i.test(e.message)) return true;
  }
  return false;
}

/** Runs `attempt` until it gives a final answer: a non-transient response, or the last attempt's. */
export async function retrying(
  method: string,
  policy: RetryPolicy,
  attempt: () => Promise<Exchange>,
): Promise<Exchange> {
  for (let n = 1; ; n++) {
    let x: Exchange;
    try {
      x = await attempt();
    } catch (err) {
      if (!retryableNetworkError(err)) throw err;
      if (n >= policy.attempts) throw gaveUp(err, n);
      await pause(policy, n, reasonOf(err), backoffMs(n));
      continue;
    }
    if (n >= policy.attempts || !retryableStatus(x.status, method)) return x;
    const delayMs = parseRetryAfter(x.headers.get('retry-after')) ?? backoffMs(n);
    discard(x);
    await pause(policy, n, `HTTP ${x.status}`, delayMs);
  }
}

/** The final form of a connection failure after `n` attempts: its message says so, and it is not retried. */
function gaveUp(err: unknown, n: number): unknown {
  if (!(err instanceof RegistryError)) return err;
  return new RegistryError({
    method: err.method,
    url: err.url,
    code: err.code,
    kind: err.kind,
    message: `${err.message}${n > 1 ? `; gave up after ${n} attempts` : ''}`,
    cause: err.cause ?? err,
    attempts: n,
  });
}

/** The network code of an error (ECONNRESET, ETIMEDOUT, HPE_INVALID_CHUNK_SIZE…) when it is a transient one. */
function networkCode(e: Error): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('HPE_')) ? code : undefined;
}

/** What a failed attempt is reported as: its network code, else its message. */
export function reasonOf(err: unknown): string {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = networkCode(e);
    if (code) return code;
  }
  return err instanceof Error ? err.message : String(err);
}
