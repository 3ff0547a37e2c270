// The error codes lockfile throws: pith.lock.json missing, malformed, or no longer matching the config.
import type { ErrorCatalog } from '../util/index.ts';

export const LOCKFILE_ERROR_CODES = {
  NO_LOCK: { kind: 'input', meaning: 'A locked build found no pith.lock.json (run pith lock first).' },
  BAD_LOCK: { kind: 'input', meaning: 'pith.lock.json is not valid JSON or does not match its format.' },
  LOCK_STALE: {
    kind: 'input',
    meaning:
      'pith.lock.json no longer matches the config (packages, suites or base changed); run pith lock again.',
  },
} as const satisfies ErrorCatalog;

export type LockfileErrorCode = keyof typeof LOCKFILE_ERROR_CODES;
