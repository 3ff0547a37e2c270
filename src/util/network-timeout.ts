// The network idle timeout: how long a request may go without a byte either way (connecting, waiting for
// the response head, reading the body) before the attempt is given up and retried. Not a limit on a whole
// transfer: a large blob on a slow link is fine while bytes flow. PITH_NETWORK_TIMEOUT (seconds) sets it.
import { PithError } from './errors.ts';

/** Idle time after which an attempt fails, unless configured otherwise. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** PITH_NETWORK_TIMEOUT (seconds, a positive number) in ms; undefined when unset or empty. */
export function idleTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env['PITH_NETWORK_TIMEOUT']?.trim();
  return raw ? parseNetworkTimeout(raw, 'PITH_NETWORK_TIMEOUT') : undefined;
}

/** The longest delay a Node.js timer holds (2^31 - 1 ms, about 24.8 days); longer ones are clamped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timeout in ms as a library caller gives it: a positive number, clamped to what a timer holds. */
export function checkTimeoutMs(ms: number, source: string): number {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new PithError(
      'input',
      'BAD_NETWORK_TIMEOUT',
      `${source} must be a positive number of ms, not ${ms}`,
    );
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.round(ms)));
}

/**
 * A timeout in seconds as given by a user → ms; `source` names it in the error, whose kind is `usage` for a
 * command-line flag and `input` for the environment.
 */
export function parseNetworkTimeout(raw: string, source: string, kind: 'usage' | 'input' = 'input'): number {
  const seconds = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new PithError(
      kind,
      'BAD_NETWORK_TIMEOUT',
      `${source} must be a positive number of seconds, not "${raw}"`,
    );
  }
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.round(seconds * 1000)));
}
