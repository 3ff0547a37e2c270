// Structured registry failures (oci.md §12.7; style.md §1.6, after ggcr's transport.Error): the status,
// the method, a redacted URL, the parsed distribution `errors[]`, and when the body is not that JSON, its
// text (read under a 64 KiB cap). Connection failures are RegistryErrors without a status. Messages never
// hold credentials: user information and every query value but a few known-harmless ones are redacted.
// The code is the first distribution-spec code of the body that pith knows, else one for the status; the
// kind is the code's, from io's catalog (error-codes.ts).
import { type ErrorKind, messageOf, nodeHttp, PithError, redactUrl } from '../../../util/index.ts';
import {
  DISTRIBUTION_ERROR_CODES,
  IO_ERROR_CODES,
  isDistributionErrorCode,
  type RegistryErrorCode,
} from '../../error-codes.ts';

export { redactUrl };

/** One entry of a distribution error body `{"errors":[{code,message,detail}]}`. */
export interface Diagnostic {
  code: string;
  message?: string;
  detail?: unknown;
}

/** Error bodies are read up to this many bytes (ggcr does the same). */
export const ERROR_BODY_CAP = 64 * 1024;

const TEMPORARY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TEMPORARY_CODES = new Set(['BLOB_UPLOAD_INVALID', 'TOOMANYREQUESTS', 'UNKNOWN', 'UNAVAILABLE']);
const STATUS_CODE: Record<number, RegistryErrorCode> = {
  401: 'UNAUTHORIZED',
  403: 'DENIED',
  404: 'NOT_FOUND',
  405: 'UNSUPPORTED',
  429: 'TOOMANYREQUESTS',
};

interface RegistryErrorInit {
  method: string;
  url: URL | string;
  status?: number;
  errors?: Diagnostic[];
  body?: string;
  message: string;
  code?: RegistryErrorCode;
  /** Overrides the code's kind. */
  kind?: ErrorKind;
  cause?: unknown;
  /** Set when retries ran out: how many attempts were made (the error is final). */
  attempts?: number;
}

/** A registry answered with an unexpected status, or could not be reached. */
export class RegistryError extends PithError<RegistryErrorCode> {
  readonly status?: number;
  readonly errors: Diagnostic[];
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /** The response body as text (at most 64 KiB) when it was not distribution error JSON. */
  readonly body?: string;
  /** How many attempts were made, when retries ran out; such an error is not retried again. */
  readonly attempts?: number;

  constructor(init: RegistryErrorInit) {
    const errors = init.errors ?? [];
    const url = redactUrl(init.url);
    const status = init.status;
    const known = errors.map((e) => e.code).find(isDistributionErrorCode);
    const code = init.code ?? known ?? codeForStatus(status);
    const kind = init.kind ?? kindOf(code);
    super(kind, code, init.message, {
      cause: init.cause,
      details: { method: init.method, url, status, errors },
    });
    this.name = 'RegistryError';
    this.status = status;
    this.errors = errors;
    this.method = init.method;
    this.url = url;
    this.body = init.body;
    if (init.attempts !== undefined) this.attempts = init.attempts;
  }

  /** True when trying again later may succeed (ggcr's Temporary: statuses and codes of §12.7). */
  get temporary(): boolean {
    if (this.status === undefined) return this.code === 'REGISTRY_UNREACHABLE';
    return TEMPORARY_STATUS.has(this.status) || this.errors.some((e) => TEMPORARY_CODES.has(e.code));
  }
}

function codeForStatus(status: number | undefined): RegistryErrorCode {
  if (status === undefined) return 'REGISTRY_UNREACHABLE';
  return STATUS_CODE[status] ?? 'REGISTRY_ERROR';
}

function kindOf(code: RegistryErrorCode): ErrorKind {
  return isDistributionErrorCode(code) ? DISTRIBUTION_ERROR_CODES[code].kind : IO_ERROR_CODES[code].kind;
}

/** The `errors[]` of a distribution error body; empty when the body is not that JSON. */
export function parseDiagnostics(body: string): Diagnostic[] {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return [];
  }
  const list = (v as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return [];
  return list
    .filter(
      (e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof e.code === 'string',
    )
    .map((e) => ({
      code: e.code as string,
      ...(typeof e.message === 'string' ? { message: e.message } : {}),
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
    }));
}

/** What the error message says about one diagnostic: `CODE: message (detail)`. */
function describe(d: Diagnostic): string {
  const detail = d.detail === undefined ? '' : ` (${clip(JSON.stringify(d.detail) ?? '', 200)})`;
  return `${d.code}${d.message ? `: ${d.message}` : ''}${detail}`;
}

function clip(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** The error for a response whose status was not expected; `body` is undefined for HEAD responses. */
export function statusError(init: {
  method: string;
  url: URL | string;
  status: number;
  body?: string;
  errors?: Diagnostic[];
  hint?: string;
  /** Overrides the kind the code implies. */
  kind?: ErrorKind;
}): RegistryError {
  const { method, status } = init;
  const errors = init.errors ?? (init.body === undefined ? [] : parseDiagnostics(init.body));
  let what = `${status} ${statusText(status)}`.trim();
  if (errors.length) what += `: ${errors.map(describe).join('; ')}`;
  else if (method === 'HEAD') what += ' (HEAD responses have no body, use GET for details)';
  else if (init.body?.trim()) what += `: ${clip(init.body, 300)}`;
  const hint = init.hint ? ` (${init.hint})` : '';
  return new RegistryError({
    method,
    url: init.url,
    status,
    errors,
    body: errors.length || init.body === undefined ? undefined : init.body,
    message: `${method} ${redactUrl(init.url)}: ${what}${hint}`,
    ...(init.kind ? { kind: init.kind } : {}),
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/;

/** The error for a request that got no response (connection refused, reset, timed out, TLS failure…). */
export function networkError(method: string, url: URL | string, cause: unknown): RegistryError {
  const code = (cause as { code?: unknown } | null)?.code;
  const tlsHint =
    typeof code === 'string' && TLS_CODES.test(code)
      ? ' (pass the registry CA bundle as caFile to trust it)'
      : '';
  const reason = typeof code === 'string' && !messageOf(cause).includes(code) ? `${code}: ` : '';
  return new RegistryError({
    method,
    url,
    message: `${method} ${redactUrl(url)}: ${reason}${messageOf(cause)}${tlsHint}`,
    cause,
  });
}

/**
 * The final error for a body cut short on every attempt: `GET <url>: connection lost after 1048576 of
 * 4194304 bytes (ECONNRESET); gave up after 4 attempts`.
 */
export function connectionLost(init: {
  method: string;
  url: URL | string;
  cause: unknown;
  received: number;
  total: number | undefined;
  attempts: number;
  reason: string;
}): RegistryError {
  const { method, received, total, attempts } = init;
  const of = total === undefined ? '' : ` of ${total}`;
  const after = attempts > 1 ? `; gave up after ${attempts} attempts` : '';
  return new RegistryError({
    method,
    url: init.url,
    code: 'CONNECTION_LOST',
    kind: 'io',
    message: `${method} ${redactUrl(init.url)}: connection lost after ${received}${of} bytes (${init.reason})${after}`,
    cause: init.cause,
    attempts,
  });
}

/** The reason phrase of an HTTP status (node:http loaded only when a message is made: util/node-http.ts). */
function statusText(status: number): string {
  return nodeHttp().STATUS_CODES[status] ?? '';
}
