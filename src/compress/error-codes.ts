// The error codes compress throws: corrupt compressed data, and the xz and zstd decoders
// pith depends on (the xz binary, Node's zstd).
import type { ErrorCatalog } from '../util/index.ts';

export const COMPRESS_ERROR_CODES = {
  BAD_XZ: { kind: 'invalid', meaning: 'xz-compressed data is corrupt or truncated.' },
  BAD_PITH_XZ: { kind: 'input', meaning: 'PITH_XZ is not auto, system or wasm.' },
  XZ_MISSING: { kind: 'io', meaning: 'PITH_XZ=system was asked for but no xz binary is on PATH.' },
  XZ_FAILED: { kind: 'io', meaning: 'The xz binary could not be run or was killed.' },
  NO_ZSTD: { kind: 'io', meaning: 'This Node.js has no zstd support (pith needs Node 22.15 or newer).' },
} as const satisfies ErrorCatalog;

export type CompressErrorCode = keyof typeof COMPRESS_ERROR_CODES;
