// Typed errors for every module: a stable string code, a category that decides the CLI exit code and
// whether a stack trace is ever shown, and the standard `cause` chain. A user mistake is never a crash.

/** What kind of failure this is; the CLI maps each kind to one documented exit code. */
export type ErrorKind =
  /** Bad command-line usage. */
  | 'usage'
  /** Bad user input: config, files, references. One clear message, no stack trace. */
  | 'input'
  /** An image or archive that breaks the OCI rules (validation found problems). */
  | 'invalid'
  /** The environment failed: disk, permissions, a peer tool. */
  | 'io'
  /** A check found what it looks for (e.g. `pin --check` found unpinned references). */
  | 'check'
  /** A bug in pith. Printed with its stack. */
  | 'internal';

export interface PithErrorOptions {
  cause?: unknown;
  /** Structured facts for `--json` output (field, path, digest…). */
  details?: Record<string, unknown>;
}

/** Base class of every error pith throws on purpose. */
export class PithError<C extends string = string> extends Error {
  readonly code: C;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;

  constructor(kind: ErrorKind, code: C, message: string, options: PithErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PithError';
    this.kind = kind;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True for errors that pith raised deliberately (as opposed to bugs). */
export function isPithError(err: unknown): err is PithError {
  return err instanceof PithError;
}

/** The message of any thrown value, for wrapping. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
