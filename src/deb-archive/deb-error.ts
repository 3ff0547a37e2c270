// The one way src/deb reports a broken package: PithError('invalid', code, "<where>: <message>"), so every
// message names the package file, and errors from the tar reader or a decompressor are re-raised with that
// name (and the member) in front while keeping their own code.
import { isPithError, messageOf, PithError } from '../util/index.ts';
import type { DebArchiveErrorCode } from './error-codes.ts';

/** A corrupt-package error whose message starts with the package's name (`where`). */
export function debError(
  code: DebArchiveErrorCode,
  where: string,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): PithError<DebArchiveErrorCode> {
  return new PithError('invalid', code, `${where}: ${message}`, {
    cause,
    details: { file: where, ...details },
  });
}

/**
 * Re-raises an error met while reading `member` of package `where`: an error of ours found anywhere in the
 * cause chain (e.g. a truncated ar member seen through a decompressor) is re-thrown as it is;
 * PithErrors keep their kind and code; other errors (zlib's) become invalid `fallbackCode` (a decoder's
 * BAD_* code: tar's, compress's or deb-archive's).
 */
export function inMember(err: unknown, where: string, member: string, fallbackCode: string): PithError {
  const ours = ownError(err, where);
  if (ours) return ours;
  const { kind, code, message, details } = isPithError(err)
    ? err
    : { kind: 'invalid' as const, code: fallbackCode, message: messageOf(err), details: {} };
  return new PithError(kind, code, `${where}: ${member}: ${message}`, {
    cause: err,
    details: { ...details, file: where, member },
  });
}

/** The first error in `err`'s cause chain that src/deb raised for `where`, if any. */
function ownError(err: unknown, where: string): PithError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isPithError(e) && e.message.startsWith(`${where}: `)) return e;
  }
  return undefined;
}
