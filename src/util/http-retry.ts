// The HTTP retry arithmetic every client shares (registries, the Debian mirror; oci.md §12.7): capped
// exponential backoff without jitter (one CLI, not a fleet), Retry-After (seconds or an HTTP date, at most
// 30 s), and the Content-Range of a resumed download (RFC 9110 §14.4).

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
