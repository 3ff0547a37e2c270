// The audit's rules: stable ids, severities and fixes, in one table so the CLI's SARIF rules, the docs and
// the checks cannot disagree.
import type { AuditSeverity } from './types.ts';

export interface AuditRule {
  severity: AuditSeverity;
  title: string;
  fix: string;
}

export const AUDIT_RULES = {
  'PITH-A001': {
    severity: 'medium',
    title: 'A shell is present',
    fix: 'Build on a base without a shell (pith presets static, base, cc); keep a :debug variant for debugging.',
  },
  'PITH-A002': {
    severity: 'medium',
    title: 'A package manager is present',
    fix: 'Install packages at build time and ship only their files; do not ship apt, dpkg, apk, rpm, pip or npm.',
  },
  'PITH-A003': {
    severity: 'high',
    title: 'The image runs as root',
    fix: 'Set USER to a non-root numeric uid (pith variant nonroot: 65532).',
  },
  'PITH-A004': {
    severity: 'medium',
    title: 'The user is not resolvable',
    fix: 'Use a numeric uid:gid, or add the user to /etc/passwd and /etc/group.',
  },
  'PITH-A005': {
    severity: 'low',
    title: 'Shell-form entrypoint or command',
    fix: 'Use the exec form (a JSON array); a shell form needs a shell and does not forward signals.',
  },
  'PITH-A006': {
    severity: 'medium',
    title: 'A setuid or setgid file',
    fix: 'Remove the file or its setuid/setgid bit; a minimal image needs no privilege escalation.',
  },
  'PITH-A007': {
    severity: 'medium',
    title: 'A world-writable path without the sticky bit',
    fix: 'Remove write permission for others, or set the sticky bit on shared directories (chmod 1777).',
  },
  'PITH-A008': {
    severity: 'low',
    title: 'A device node',
    fix: 'Remove device nodes from layers; the runtime provides /dev.',
  },
  'PITH-A009': {
    severity: 'info',
    title: 'No CA certificate bundle',
    fix: 'Add ca-certificates (pith base) if the program makes TLS connections.',
  },
  'PITH-A010': {
    severity: 'info',
    title: 'No time zone data',
    fix: 'Add tzdata (pith base) if the program converts times between zones.',
  },
  'PITH-A011': {
    severity: 'low',
    title: 'No /etc/passwd entry for root, or no /etc/passwd',
    fix: 'Ship /etc/passwd and /etc/group with root and the user the image runs as (pith base-files).',
  },
  'PITH-A012': {
    severity: 'info',
    title: 'Bytes shipped that a later layer overwrites or deletes',
    fix: 'Delete files in the layer that creates them, or squash the layers; the lower copy is still downloaded.',
  },
  'PITH-A013': {
    severity: 'low',
    title: 'The base image is not pinned by digest',
    fix: 'Name the base by digest (NAME@sha256:…); `pith pin` rewrites references to digests.',
  },
  'PITH-A014': {
    severity: 'low',
    title: 'The base image has a newer build under its tag',
    fix: 'Rebuild on the newest base (it may carry security fixes), and pin that digest.',
  },
} as const satisfies Record<string, AuditRule>;

export type AuditRuleId = keyof typeof AUDIT_RULES;
