// The error codes the command line throws itself (the library's are in api/error-codes.ts). commander's
// usage errors (UNKNOWN_OPTION…) and INTERNAL for a bug are reported by main.ts, not thrown.
import type { ErrorCatalog } from '../util/index.ts';

export const CLI_ERROR_CODES = {
  PASSWORD_STDIN: {
    kind: 'usage',
    meaning: 'pith login needs --password-stdin (the password is never an argument).',
  },
  EMPTY_PASSWORD: { kind: 'input', meaning: 'pith login read no password on standard input.' },
  VULNERABILITIES_FOUND: {
    kind: 'check',
    meaning: 'pith scan --fail-on found a vulnerability of that severity or worse (its report lists them).',
  },
  LINT_FAILED: {
    kind: 'check',
    meaning: 'pith lint found a finding of the --fail-on severity or worse (default warning).',
  },
  POLICY_FAILED: {
    kind: 'check',
    meaning: 'pith policy check found a rule the image breaks (its report lists each rule).',
  },
  AUDIT_FAILED: {
    kind: 'check',
    meaning: 'pith audit --fail-on found a finding of that severity or worse (its report lists them).',
  },
  BAD_FORMAT: { kind: 'usage', meaning: 'pith scan --format is not table, json, sarif or cyclonedx.' },
  INVALID_IMAGE: { kind: 'invalid', meaning: 'pith validate found problems (its report lists them).' },
} as const satisfies ErrorCatalog;

export type CliErrorCode = keyof typeof CLI_ERROR_CODES;
