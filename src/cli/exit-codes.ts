// Documented exit codes (README "Exit codes"): success, and one code per error kind, as util's
// KIND_EXIT_CODES (the library's error list) says.
import { type ErrorKind, KIND_EXIT_CODES } from '../util/index.ts';

export const ExitCode = { ok: 0, ...KIND_EXIT_CODES } as const;

export function exitCodeFor(kind: ErrorKind): number {
  return KIND_EXIT_CODES[kind];
}
