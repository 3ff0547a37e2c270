// The error codes util throws: system errors as fromSystemError reports them (system-error.ts: the errno
// table is its message text too), digests, timestamps, user files, timeouts and cancellation.
import type { ErrorCatalog } from './errors.ts';

/**
 * Node system errors pith maps, by their own code: a path the user named that is missing or of the wrong
 * type is bad input; permissions, disks and the network are the environment; broken compressed data is an
 * invalid image. The meaning is the reason fromSystemError's message gives.
 */
export const ERRNO_ERROR_CODES = {
  ENOENT: { kind: 'input', meaning: 'no such file or directory' },
  ENOTDIR: { kind: 'input', meaning: 'a component of the path is not a directory' },
  EISDIR: { kind: 'input', meaning: 'is a directory' },
  ENAMETOOLONG: { kind: 'input', meaning: 'a name in the path is longer than the file system allows' },
  ELOOP: { kind: 'input', meaning: 'too many levels of symbolic links' },
  EEXIST: { kind: 'input', meaning: 'already exists' },
  ENOTEMPTY: { kind: 'input', meaning: 'the directory is not empty' },
  ENXIO: { kind: 'input', meaning: 'no such device (or a FIFO without a reader)' },
  ENODEV: { kind: 'input', meaning: 'no such device' },
  ESPIPE: { kind: 'input', meaning: 'not a seekable file (a pipe or socket?)' },
  EACCES: { kind: 'io', meaning: 'permission denied' },
  EPERM: { kind: 'io', meaning: 'operation not permitted' },
  EROFS: { kind: 'io', meaning: 'read-only file system' },
  ENOSPC: { kind: 'io', meaning: 'no space left on device' },
  EDQUOT: { kind: 'io', meaning: 'disk quota exceeded' },
  EFBIG: { kind: 'io', meaning: 'file too large for the file system' },
  EMFILE: { kind: 'io', meaning: 'too many open files (raise ulimit -n)' },
  ENFILE: { kind: 'io', meaning: 'too many open files in the system' },
  EBUSY: { kind: 'io', meaning: 'resource busy' },
  ETXTBSY: { kind: 'io', meaning: 'text file busy' },
  EXDEV: { kind: 'io', meaning: 'cross-device link not permitted' },
  EIO: { kind: 'io', meaning: 'input/output error' },
  EINVAL: { kind: 'io', meaning: 'invalid argument (the file system refused the operation)' },
  EAGAIN: { kind: 'io', meaning: 'resource temporarily unavailable' },
  ENOMEM: { kind: 'io', meaning: 'out of memory' },
  EPIPE: { kind: 'io', meaning: 'broken pipe' },
  ECONNREFUSED: { kind: 'io', meaning: 'connection refused' },
  ECONNRESET: { kind: 'io', meaning: 'connection reset by peer' },
  ECONNABORTED: { kind: 'io', meaning: 'connection aborted' },
  ETIMEDOUT: { kind: 'io', meaning: 'timed out' },
  ENOTFOUND: { kind: 'io', meaning: 'host not found' },
  EAI_AGAIN: { kind: 'io', meaning: 'temporary failure in name resolution' },
  EAI_FAIL: { kind: 'io', meaning: 'name resolution failed' },
  EHOSTUNREACH: { kind: 'io', meaning: 'host unreachable' },
  EHOSTDOWN: { kind: 'io', meaning: 'host is down' },
  ENETUNREACH: { kind: 'io', meaning: 'network unreachable' },
  ENETDOWN: { kind: 'io', meaning: 'network is down' },
  EADDRINUSE: { kind: 'io', meaning: 'address already in use' },
  EADDRNOTAVAIL: { kind: 'io', meaning: 'address not available' },
  EPROTO: { kind: 'io', meaning: 'protocol error (TLS spoken to a plain HTTP server?)' },
  // node:zlib: the data handed to a decompressor is broken (a corrupt or truncated download or archive)
  Z_DATA_ERROR: { kind: 'invalid', meaning: 'corrupt compressed data' },
  Z_BUF_ERROR: { kind: 'invalid', meaning: 'truncated compressed data' },
} as const satisfies ErrorCatalog;

export type ErrnoErrorCode = keyof typeof ERRNO_ERROR_CODES;

export const UTIL_ERROR_CODES = {
  CACHE_CHANGED: {
    kind: 'io',
    meaning:
      'A cache entry no longer held the bytes it was checked to hold when it was read again (changed by something else meanwhile); nothing made from it was kept: build again.',
  },
  CACHE_UNWRITABLE: {
    kind: 'io',
    meaning:
      'The cache directory cannot be written (read-only, full, not a directory); a build then compresses layers in memory.',
  },
  CREATE_REFUSED: {
    kind: 'io',
    meaning: 'The file system does not allow creating a file or directory there (e.g. under /proc).',
  },
  TLS_FAILED: {
    kind: 'io',
    meaning:
      'A TLS connection failed, e.g. an untrusted or expired certificate (details.systemCode says which).',
  },
  CONNECTION_FAILED: {
    kind: 'io',
    meaning: 'An HTTP connection failed below the protocol (details.systemCode gives the UND_ERR_ code).',
  },
  ABORTED: { kind: 'io', meaning: 'The operation was cancelled (an abort signal fired).' },
  BAD_DIGEST: { kind: 'input', meaning: 'A digest is not sha256: followed by 64 lower-case hex digits.' },
  UNSUPPORTED_DIGEST: { kind: 'input', meaning: 'A digest uses an algorithm pith does not support.' },
  BAD_EPOCH: {
    kind: 'input',
    meaning: 'SOURCE_DATE_EPOCH (or a timestamp option) is not a whole number of seconds since 1970.',
  },
  BAD_NETWORK_TIMEOUT: {
    kind: 'input',
    meaning: 'PITH_NETWORK_TIMEOUT or --network-timeout is not a positive number of seconds.',
  },
  FILE_TOO_LARGE: {
    kind: 'input',
    meaning: 'A file pith reads whole (a config, a key) is over its size limit.',
  },
  NOT_A_FILE: { kind: 'input', meaning: 'A path that must be a regular file is a directory, FIFO, device…' },
  NOT_A_DIRECTORY: {
    kind: 'input',
    meaning: 'A path cannot be created because something on the way to it is not a directory.',
  },
  ...ERRNO_ERROR_CODES,
} as const satisfies ErrorCatalog;

export type UtilErrorCode = keyof typeof UTIL_ERROR_CODES;
