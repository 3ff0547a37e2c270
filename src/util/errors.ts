// Typed errors for every module: a stable string code, a category that decides the CLI exit code and
// whether a stack trace is ever shown, and the standard `cause` chain. A user mistake is never a crash.
// Each module lists its codes in its error-codes.ts (an ErrorCatalog); api/error-codes.ts merges them.

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

/** The exit code of each kind (README "Commands and exit codes"): the CLI exits with these. */
export const KIND_EXIT_CODES = {
  /** A bug in pith (printed with its stack trace). */
  internal: 1,
  /** Bad command-line usage: unknown command or option, missing argument. */
  usage: 2,
  /** Bad input: config file, source files, references. */
  input: 3,
  /** The image is invalid (`validate` found problems, or a read found a broken image). */
  invalid: 4,
  /** The environment failed: disk, permissions, network, a peer tool. */
  io: 5,
  /** A check failed (pin --check found unpinned references). */
  check: 6,
} as const satisfies Record<ErrorKind, number>;

/** One code of a module's catalog: its kind (hence its exit code) and what it means, in one sentence. */
export interface ErrorCodeEntry {
  readonly kind: ErrorKind;
  readonly meaning: string;
}

/** The error codes a module throws (src/<module>/error-codes.ts): code → kind and meaning. */
export type ErrorCatalog = Readonly<Record<string, ErrorCodeEntry>>;

/** A code of the merged list: its catalog entry, its exit code and the module that declares it. */
export interface ErrorCodeInfo extends ErrorCodeEntry {
  readonly exitCode: number;
  readonly module: string;
}

/**
 * A constructor of one module's errors: the code must be in the module's catalog (tsc checks it) and the
 * kind is the catalog's, so a code cannot be thrown with another kind.
 */
export function errorFactory<T extends ErrorCatalog>(catalog: T) {
  return (code: keyof T & string, message: string, options?: PithErrorOptions): PithError<keyof T & string> =>
    new PithError((catalog[code] as ErrorCodeEntry).kind, code, message, options);
}

/** Module catalogs ([module name, catalog] pairs) as one table; a code declared twice throws. */
export function indexErrorCatalogs(
  catalogs: readonly (readonly [module: string, catalog: ErrorCatalog])[],
): Record<string, ErrorCodeInfo> {
  const out: Record<string, ErrorCodeInfo> = {};
  for (const [module, catalog] of catalogs) {
    for (const [code, { kind, meaning }] of Object.entries(catalog)) {
      const other = out[code];
      if (other) throw new Error(`error code ${code} is declared by both ${other.module} and ${module}`);
      out[code] = { kind, exitCode: KIND_EXIT_CODES[kind], module, meaning };
    }
  }
  return out;
}

/** True for errors that pith raised deliberately (as opposed to bugs). */
export function isPithError(err: unknown): err is PithError {
  return err instanceof PithError;
}

/** The message of any thrown value, for wrapping. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
