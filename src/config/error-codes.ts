// The error codes config throws: a config file that is missing, unreadable, not YAML or not valid against
// the schema, and presets that do not exist. Errors at a config field (field-error.ts) keep their code.
import type { ErrorCatalog } from '../util/index.ts';

export const CONFIG_ERROR_CODES = {
  CONFIG_NOT_FOUND: { kind: 'input', meaning: 'The config file does not exist.' },
  CONFIG_NOT_A_FILE: {
    kind: 'input',
    meaning: 'The config path is a directory, a device or FIFO, or a file over 4 MiB.',
  },
  CONFIG_UNREADABLE: {
    kind: 'io',
    meaning: 'The config file exists but cannot be read (permissions, an I/O error).',
  },
  CONFIG_SYNTAX: { kind: 'input', meaning: 'The config file is not valid YAML.' },
  CONFIG_ALIAS_BOMB: { kind: 'input', meaning: 'The config file expands too many YAML aliases.' },
  CONFIG_INVALID: {
    kind: 'input',
    meaning: 'The config does not match the schema (each problem at its field).',
  },
  POLICY_INVALID: {
    kind: 'input',
    meaning: 'A pith policy file does not match its schema (each problem at its file:line:col and field).',
  },
  TRIAGE_INVALID: {
    kind: 'input',
    meaning:
      'A pith vex triage file does not match its schema (each problem at its file:line:col and field).',
  },
  NO_SUCH_PRESET: { kind: 'input', meaning: 'No preset of that name exists for the suite.' },
} as const satisfies ErrorCatalog;

export type ConfigErrorCode = keyof typeof CONFIG_ERROR_CODES;
