// The one way src/deb reports a broken package: PithError('invalid', code, "<where>: <message>"), so every
// message names the package file, and errors from the tar reader or a decompressor are re-raised with that
// name (and the member) in front while keeping their own code.
import { isPithError, messageOf, PithError } from '../util/index.ts';

/** A corrupt-package error whose message starts with the package's name (`where`). */
export function debError(
  code: string,
  where: string,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): PithError {
  return new PithError('invalid', code, `${where}: ${message}`, {
    cause,
    details: { file: where, ...details },
  });
}

/**
 * Re-raises an error met while reading `member` of package `where`: an error of ours found anywhere in the
 * cause chain (e.g. a truncated ar member seen through a decompressor) is re-thrown as it is;
 * PithErrors keep their kind and code; other errors (zlib's) become invalid `fallbackCode`.
 */
export function inMember(err: unknown, where: string, member: string, fallbackCode: string): PithError {
  const ours = ownError(err, where);
  if (ours) return ours;
  if (!isPithError(err))
    return debError(fallbackCode, where, `${member}: ${messageOf(err)}`, { member }, err);
  return new PithError(err.kind, err.code, `${where}: ${member}: ${err.message}`, {
    cause: err,
    details: { ...err.details, file: where, member },
  });
}

/** The first error in `err`'s cause chain that src/deb raised for `where`, if any. */
function ownError(err: unknown, where: string): PithError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isPithError(e) && e.message.startsWith(`${where}: `)) return e;
  }
  return undefined;
}
