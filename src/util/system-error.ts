// Node system errors (fs errno codes, DNS and socket failures, TLS certificate errors, zlib data errors) as
// PithErrors: one table from code to kind and plain reason, so no errno ever reaches the user as an
// "internal error". A path the user named that is missing or of the wrong type is bad input (3);
// permissions, full or read-only disks and the network are environment failures (5); broken compressed data
// is an invalid image (4). Messages say what was attempted on which path.
import type { Stats } from 'node:fs';
import { type ErrorKind, PithError } from './errors.ts';

/** What pith was doing when the system call failed. */
export interface SystemErrorContext {
  /** Prefix naming what the user asked for (`oci:out/x`), when the action alone does not say it. */
  where?: string;
  /** The attempt with its object, as a verb phrase: `read out/x/index.json`, `create out/x.tar`. */
  action?: string;
  /** The attempt creates or writes: a missing path then means the file system refused (e.g. /proc). */
  writing?: boolean;
}

type Entry = readonly [kind: ErrorKind, reason: string];

/** The fields Node's fs, dns and net errors carry. */
type SysError = NodeJS.ErrnoException & { dest?: string; address?: string; port?: number; hostname?: string };

const ERRNO: Record<string, Entry> = {
  ENOENT: ['input', 'no such file or directory'],
  ENOTDIR: ['input', 'a component of the path is not a directory'],
  EISDIR: ['input', 'is a directory'],
  ENAMETOOLONG: ['input', 'a name in the path is longer than the file system allows'],
  ELOOP: ['input', 'too many levels of symbolic links'],
  EEXIST: ['input', 'already exists'],
  ENOTEMPTY: ['input', 'the directory is not empty'],
  ENXIO: ['input', 'no such device (or a FIFO without a reader)'],
  ENODEV: ['input', 'no such device'],
  ESPIPE: ['input', 'not a seekable file (a pipe or socket?)'],
  EACCES: ['io', 'permission denied'],
  EPERM: ['io', 'operation not permitted'],
  EROFS: ['io', 'read-only file system'],
  ENOSPC: ['io', 'no space left on device'],
  EDQUOT: ['io', 'disk quota exceeded'],
  EFBIG: ['io', 'file too large for the file system'],
  EMFILE: ['io', 'too many open files (raise ulimit -n)'],
  ENFILE: ['io', 'too many open files in the system'],
  EBUSY: ['io', 'resource busy'],
  ETXTBSY: ['io', 'text file busy'],
  EXDEV: ['io', 'cross-device link not permitted'],
  EIO: ['io', 'input/output error'],
  EINVAL: ['io', 'invalid argument (the file system refused the operation)'],
  EAGAIN: ['io', 'resource temporarily unavailable'],
  ENOMEM: ['io', 'out of memory'],
  EPIPE: ['io', 'broken pipe'],
  ECONNREFUSED: ['io', 'connection refused'],
  ECONNRESET: ['io', 'connection reset by peer'],
  ECONNABORTED: ['io', 'connection aborted'],
  ETIMEDOUT: ['io', 'timed out'],
  ENOTFOUND: ['io', 'host not found'],
  EAI_AGAIN: ['io', 'temporary failure in name resolution'],
  EAI_FAIL: ['io', 'name resolution failed'],
  EHOSTUNREACH: ['io', 'host unreachable'],
  EHOSTDOWN: ['io', 'host is down'],
  ENETUNREACH: ['io', 'network unreachable'],
  ENETDOWN: ['io', 'network is down'],
  EADDRINUSE: ['io', 'address already in use'],
  EADDRNOTAVAIL: ['io', 'address not available'],
  EPROTO: ['io', 'protocol error (TLS spoken to a plain HTTP server?)'],
  // node:zlib: the data handed to a decompressor is broken (a corrupt or truncated download or archive)
  Z_DATA_ERROR: ['invalid', 'corrupt compressed data'],
  Z_BUF_ERROR: ['invalid', 'truncated compressed data'],
};

/** TLS (OpenSSL, node:tls) and undici failures: environment, with Node's own message as the reason. */
const IO_CODE_PATTERN =
  /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|UND_ERR_)/;

/** The code of a Node system error (looking through `cause`), if `err` is or wraps one pith can map. */
export function systemErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && (code in ERRNO || IO_CODE_PATTERN.test(code))) return code;
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
  const code = systemErrorCode(err);
  if (!code) return undefined;
  const e = carrier(err, code);
  const [kind, reason] = ERRNO[code] ?? ['io', `TLS or connection failure: ${e.message}`];
  const refused = ctx.writing === true && code === 'ENOENT';
  const action = ctx.action ?? impliedAction(e);
  const text = `${action ? `cannot ${action}: ` : ''}${refused ? 'the file system does not allow creating it there' : reason} (${code})`;
  return new PithError(refused ? 'io' : kind, code, ctx.where ? `${ctx.where}: ${text}` : text, {
    cause: err,
    details: {
      ...(e.syscall ? { syscall: e.syscall } : {}),
      ...(e.path ? { path: e.path } : {}),
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
