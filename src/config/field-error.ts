// Errors located at a config field: `file:line:col: files[2].src: why`, with the field in `details` for
// --json. Every config-driven check reports through here so that all of them read the same.
import { type ErrorKind, fromSystemError, isPithError, PithError } from '../util/index.ts';
import type { FieldPath } from './config-load.ts';
import { fieldName } from './config-load.ts';

/**
 * An error located at a config field: bad input unless `kind` says otherwise, or, when `cause` is a
 * PithError with the same code (an error re-raised at the field), of the cause's kind, so that a code keeps
 * its catalogued kind. `code` is the calling module's (assemble's, or a re-raised error's own).
 */
export function fieldError(
  ctx: { where: (p: FieldPath) => string },
  field: FieldPath,
  code: string,
  why: string,
  cause?: unknown,
  kind: ErrorKind = isPithError(cause) && cause.code === code ? cause.kind : 'input',
): PithError {
  return new PithError(kind, code, `${ctx.where(field)}: ${fieldName(field)}: ${why}`, {
    cause,
    details: { field: fieldName(field) },
  });
}

/**
 * A system error (errno) met while doing `action` for a config field, as one line at that field: "cannot
 * read /x: permission denied (EACCES)"; its kind follows the errno (a missing path is input, permissions
 * are the environment). Anything that is no system error is returned unchanged.
 */
export function fieldSystemError(
  ctx: { where: (p: FieldPath) => string },
  field: FieldPath,
  action: string,
  cause: unknown,
): unknown {
  const e = fromSystemError(cause, { action });
  return e ? fieldError(ctx, field, e.code, e.message, cause, e.kind) : cause;
}
