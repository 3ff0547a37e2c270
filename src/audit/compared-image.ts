// One row of a comparison: an image's audit (and, with feeds, its vulnerability counts) reduced to the
// seed articles' columns — packages, CVEs by severity, shell, package manager, user, sizes, layers,
// findings by severity.

import { humanSize } from '../util/index.ts';
import type { Severity } from '../vuln/index.ts';
import { AUDIT_SEVERITIES, type AuditSeverity, type ImageAudit } from './types.ts';

export interface ComparedImage {
  reference: string;
  digest: string;
  platform?: string;
  packages: number;
  shells: string[];
  packageManagers: string[];
  /** uid[:gid] and name as the image runs; `root` for root. */
  user: string;
  compressedSize: number;
  uncompressedSize: number;
  layers: number;
  /** By severity; present when feeds were given. */
  vulnerabilities?: Record<Severity, number>;
  findings: Record<AuditSeverity, number>;
}

/** The row of `audit` (the image `reference` names), with `vulnerabilities` when a scan was made. */
export function comparedImage(
  reference: string,
  audit: ImageAudit,
  vulnerabilities?: Record<Severity, number>,
): ComparedImage {
  const findings = Object.fromEntries(AUDIT_SEVERITIES.map((s) => [s, 0])) as Record<AuditSeverity, number>;
  for (const f of audit.findings) findings[f.severity]++;
  const u = audit.user;
  return {
    reference,
    digest: audit.digest,
    ...(audit.platform ? { platform: audit.platform } : {}),
    packages: audit.packages,
    shells: audit.shells,
    packageManagers: audit.packageManagers,
    user: u.root
      ? 'root'
      : `${u.uid ?? '?'}${u.gid !== undefined ? `:${u.gid}` : ''}${u.name ? ` (${u.name})` : ''}`,
    compressedSize: audit.compressedSize,
    uncompressedSize: audit.size,
    layers: audit.layers.length,
    ...(vulnerabilities ? { vulnerabilities } : {}),
    findings,
  };
}

/** The comparison's columns as text, the same for the Markdown and the HTML table (CVEs only with feeds). */
export function comparisonTable(images: readonly ComparedImage[]): { header: string[]; rows: string[][] } {
  const withCves = images.some((i) => i.vulnerabilities);
  const header = [
    'image',
    'packages',
    ...(withCves ? ['CVEs (C/H/M/L)'] : []),
    'shell',
    'package manager',
    'user',
    'compressed',
    'uncompressed',
    'layers',
    'findings (H/M/L)',
  ];
  const rows = images.map((i) => [
    i.reference,
    String(i.packages),
    ...(withCves ? [i.vulnerabilities ? cveText(i.vulnerabilities) : '–'] : []),
    i.shells.length ? `yes (${i.shells.length})` : 'no',
    i.packageManagers.length
      ? `yes (${i.packageManagers.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')})`
      : 'no',
    i.user,
    humanSize(i.compressedSize),
    humanSize(i.uncompressedSize),
    String(i.layers),
    `${i.findings.high}/${i.findings.medium}/${i.findings.low}`,
  ]);
  return { header, rows };
}

function cveText(v: Record<Severity, number>): string {
  return `${v.critical}/${v.high}/${v.medium}/${v.low}`;
}
