// Documented exit codes (README "Exit codes"). Every error kind maps to exactly one code.
import type { ErrorKind } from '../util/index.ts';

export const ExitCode = {
  ok: 0,
  /** A bug in pith (printed with its stack trace). */
  internal: 1,
  /** Bad command-line usage: unknown command or option, missing argument. */
  usage: 2,
  /** Bad input: config file, source files, references. */
  input: 3,
  /** The image is invalid (`validate` found problems, or a read found a broken image). */
  invalid: 4,
  /** The environment failed: disk, permissions, a peer tool. */
  io: 5,
  /** A check failed (pin --check found unpinned references). */
  check: 6,
} as const;

export function exitCodeFor(kind: ErrorKind): number {
  return ExitCode[kind];
}
