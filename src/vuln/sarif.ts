// Findings as SARIF 2.1.0 (OASIS), the shape code-scanning services read: one rule per vulnerability id
// (its title, severity as `security-severity` when a CVSS score is known, and a help link), one result
// per finding with the level its severity gives, and the package's record or manifest in the image as the
// location (`var/lib/dpkg/status.d/libssl3t64`, `app/node_modules/x/package.json`) with the image
// reference as the artifact's base. Deterministic: rules and results sorted.
import { type SarifRule, type SarifTool, sarifLog } from '../util/index.ts';
import type { Finding, Severity } from './types.ts';

export interface SarifOptions {
  tool: SarifTool;
  /** The scanned image (reference@digest), recorded as the location's base. */
  image: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'warning',
};

/** Nominal scores for severities without a CVSS score, as GitHub reads `security-severity`. */
const NOMINAL: Partial<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
};

export function toSarif(findings: readonly Finding[], opts: SarifOptions): Record<string, unknown> {
  const rules = new Map<string, SarifRule>();
  for (const f of findings) {
    if (rules.has(f.id)) continue;
    const score = f.cvssScore !== undefined ? f.cvssScore.toFixed(1) : NOMINAL[f.severity];
    rules.set(f.id, {
      id: f.id,
      shortDescription: { text: f.id },
      ...(f.title ? { fullDescription: { text: f.title } } : {}),
      ...(f.references?.[0] ? { helpUri: f.references[0] } : {}),
      help: { text: helpText(f) },
      properties: {
        tags: ['security', 'vulnerability'],
        ...(score ? { 'security-severity': score } : {}),
      },
    });
  }
  const results = findings.map((f) => ({
    ruleId: f.id,
    level: LEVEL[f.severity],
    message: { text: messageText(f) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.package.path ?? f.package.purl, uriBaseId: 'IMAGE' },
        },
        logicalLocations: [{ name: f.package.purl, kind: 'package' }],
      },
    ],
    partialFingerprints: { 'pith/v1': `${f.id}|${f.package.purl}` },
    properties: {
      state: f.state,
      severity: f.severity,
      ...(f.fixedVersion ? { fixedVersion: f.fixedVersion } : {}),
    },
  }));
  return sarifLog(opts.tool, [...rules.values()], results, { IMAGE: opts.image });
}

function messageText(f: Finding): string {
  const fix = f.fixedVersion ? `; fixed in ${f.fixedVersion}${f.fixedIn ? ` (${f.fixedIn})` : ''}` : '';
  return `${f.package.name} ${f.package.version} is affected by ${f.id} (${f.severity}, ${f.state.replaceAll('_', ' ')})${fix}`;
}

function helpText(f: Finding): string {
  if (f.fixedVersion) return `Upgrade ${f.package.name} to ${f.fixedVersion} or later (rebuild the image).`;
  return `No fix is published (${f.state.replaceAll('_', ' ')}); assess it and record the decision in a VEX document.`;
}
