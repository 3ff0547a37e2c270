// Node system errors (fs errno codes, DNS and socket failures, TLS certificate errors, zlib data errors) as
// PithErrors: one table from code to kind and plain reason, so no errno ever reaches the user as an
// "internal error". A path the user named that is missing or of the wrong type is bad input (3);
// permissions, full or read-only disks and the network are environment failures (5); broken compressed data
// is an invalid image (4). Messages say what was attempted on which path. The codes and kinds are util's
// catalog (error-codes.ts); TLS and undici failures become TLS_FAILED and CONNECTION_FAILED, and ENOENT
// while creating (a file system that refuses, like /proc) CREATE_REFUSED, each with Node's code in the text.
import type { Stats } from 'node:fs';
import {
  ERRNO_ERROR_CODES,
  type ErrnoErrorCode,
  UTIL_ERROR_CODES,
  type UtilErrorCode,
} from './error-codes.ts';
import { PithError } from './errors.ts';

/** What pith was doing when the system call failed. */
export interface SystemErrorContext {
  /** Prefix naming what the user asked for (`oci:out/x`), when the action alone does not say it. */
  where?: string;
  /** The attempt with its object, as a verb phrase: `read out/x/index.json`, `create out/x.tar`. */
  action?: string;
  /** The attempt creates or writes: a missing path then means the file system refused (e.g. /proc). */
  writing?: boolean;
}

/** The fields Node's fs, dns and net errors carry. */
type SysError = NodeJS.ErrnoException & { dest?: string; address?: string; port?: number; hostname?: string };

/** TLS (OpenSSL, node:tls) failures: environment, reported as TLS_FAILED with Node's own message. */
const TLS_CODE_PATTERN = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;
/** undici failures below HTTP: environment, reported as CONNECTION_FAILED. */
const UNDICI_CODE_PATTERN = /^UND_ERR_/;

const isErrno = (code: string): code is ErrnoErrorCode => Object.hasOwn(ERRNO_ERROR_CODES, code);

/** The code of a Node system error (looking through `cause`), if `err` is or wraps one pith can map. */
export function systemErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (
      typeof code === 'string' &&
      (isErrno(code) || TLS_CODE_PATTERN.test(code) || UNDICI_CODE_PATTERN.test(code))
    )
      return code;
    e = e.cause;
  }
  return undefined;
}

/** The first error in the `cause` chain that carries `code`. */
function carrier(err: unknown, code: string): SysError {
  let e = err as SysError;
  while (e.code !== code && e.cause instanceof Error) e = e.cause as SysError;
  return e;
}

/** The attempt as the system error itself describes it: `open out/x`, `connect to 127.0.0.1:1`. */
function impliedAction(e: SysError): string | undefined {
  if (e.syscall === 'getaddrinfo' && e.hostname) return `resolve ${e.hostname}`;
  if (e.syscall === 'connect' && e.address) return `connect to ${e.address}${e.port ? `:${e.port}` : ''}`;
  if (e.path && e.dest) return `${e.syscall ?? 'use'} ${e.path} -> ${e.dest}`;
  if (e.path) return `${e.syscall ?? 'use'} ${e.path}`;
  return e.syscall ?? undefined;
}

/**
 * A PithError for a system error (or an error wrapping one), naming the attempt; undefined when `err` is
 * no system error pith knows. PithErrors are returned unchanged.
 */
export function fromSystemError(err: unknown, ctx: SystemErrorContext = {}): PithError | undefined {
  if (err instanceof PithError) return err;
  const raw = systemErrorCode(err);
  if (!raw) return undefined;
  const e = carrier(err, raw);
  const errno = isErrno(raw) ? raw : undefined;
  const refused = ctx.writing === true && raw === 'ENOENT';
  const code: UtilErrorCode = refused
    ? 'CREATE_REFUSED'
    : (errno ?? (TLS_CODE_PATTERN.test(raw) ? 'TLS_FAILED' : 'CONNECTION_FAILED'));
  const reason = refused
    ? 'the file system does not allow creating it there'
    : errno
      ? ERRNO_ERROR_CODES[errno].meaning
      : `TLS or connection failure: ${e.message}`;
  const action = ctx.action ?? impliedAction(e);
  const text = `${action ? `cannot ${action}: ` : ''}${reason} (${raw})`;
  return new PithError(UTIL_ERROR_CODES[code].kind, code, ctx.where ? `${ctx.where}: ${text}` : text, {
    cause: err,
    details: {
      ...(e.syscall ? { syscall: e.syscall } : {}),
      ...(e.path ? { path: e.path } : {}),
      ...(code === raw ? {} : { systemCode: raw }),
    },
  });
}

/** `fromSystemError`, or `err` itself when it is no system error: for `catch (e) { throw asSystemError(e, …) }`. */
export function asSystemError(err: unknown, ctx: SystemErrorContext = {}): unknown {
  return fromSystemError(err, ctx) ?? err;
}

/** The errno code of an error (`ENOENT`…), for callers that treat one code specially. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a path is, for messages about a path of the wrong type: "a directory", "a FIFO"… */
export function fileTypeName(s: Stats): string {
  if (s.isFile()) return 'a regular file';
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}
