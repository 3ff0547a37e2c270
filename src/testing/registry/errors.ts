// Registry errors in the distribution-spec JSON form `{"errors":[{"code","message","detail"}]}`: handlers
// throw a RegistryError with the HTTP status, the spec's code and any extra headers (a challenge, a Range),
// and the router turns it into the response. HEAD answers carry the status and headers without a body.
import type { ServerResponse } from 'node:http';

/** An error answer: status, spec error code (`[A-Z_]+`), message, optional detail and headers. */
export class RegistryError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { detail?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'RegistryError';
    this.status = status;
    this.code = code;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/** The spec's JSON error body for one error. */
export function errorBody(code: string, message: string, detail?: unknown): Buffer {
  const error: Record<string, unknown> = { code, message };
  if (detail !== undefined) error['detail'] = detail;
  return Buffer.from(JSON.stringify({ errors: [error] }));
}

/** Writes an error answer unless the response has already started. */
export function sendError(res: ServerResponse, err: RegistryError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(err.code, err.message, err.detail);
  res.writeHead(err.status, {
    ...err.headers,
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
  });
  res.end(body);
}

/** The error code a bare status stands for (injected faults). */
export function codeForStatus(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 404) return 'NAME_UNKNOWN';
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 503) return 'UNAVAILABLE';
  return 'UNKNOWN';
}

export const blobUnknown = (digest: string): RegistryError =>
  new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { detail: { digest } });

export const digestInvalid = (message: string, digest?: string): RegistryError =>
  new RegistryError(400, 'DIGEST_INVALID', message, digest === undefined ? {} : { detail: { digest } });

export const manifestUnknown = (reference: string): RegistryError =>
  new RegistryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { detail: { reference } });

export const nameUnknown = (name: string): RegistryError =>
  new RegistryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { detail: { name } });

export const uploadUnknown = (id: string): RegistryError =>
  new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { detail: { id } });
