// An audit as SARIF 2.1.0: one rule per finding id that occurs (its title, default level, help text with
// the fix and a `security-severity` so code-scanning services rank it), one result per finding whose
// location names the file in the image and, as a logical location, the layer (digest and index) that
// ships it. Deterministic: rules sorted, results in the audit's order.
import { type SarifRule, type SarifTool, sarifLog } from '../util/index.ts';
import { AUDIT_RULES } from './rules.ts';
import { ENV_RULE, SECRET_RULES } from './secret-rules.ts';
import type { AuditFinding, AuditResult, AuditSeverity } from './types.ts';

const LEVEL: Record<AuditSeverity, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
const SCORE: Record<AuditSeverity, string> = { high: '8.0', medium: '5.5', low: '2.0', info: '0.0' };

/** What a rule id is about, for SARIF's rule metadata. */
function ruleInfo(id: string): { title: string; fix: string } {
  const audit = (AUDIT_RULES as Record<string, { title: string; fix: string }>)[id];
  if (audit) return audit;
  const secret = [...SECRET_RULES, ENV_RULE].find((r) => r.id === id);
  return {
    title: `Secret: ${secret?.name ?? id}`,
    fix: 'Rotate the secret and rebuild without it; pass secrets at run time, never in layers, ENV or build arguments.',
  };
}

export function auditSarif(result: AuditResult, tool: SarifTool): Record<string, unknown> {
  const findings = result.images.flatMap((img) => img.findings.map((f) => ({ f, platform: img.platform })));
  const rules = new Map<string, SarifRule>();
  for (const { f } of findings) {
    if (rules.has(f.id)) continue;
    const info = ruleInfo(f.id);
    rules.set(f.id, {
      id: f.id,
      shortDescription: { text: info.title },
      help: { text: info.fix },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: {
        tags: ['security', f.id.startsWith('PITH-S') ? 'secret' : 'container-hardening'],
        'security-severity': SCORE[f.severity],
      },
    });
  }
  const results = findings.map(({ f, platform }) => ({
    ruleId: f.id,
    level: LEVEL[f.severity],
    message: { text: f.message },
    ...(f.path ? { locations: [location(f)] } : {}),
    partialFingerprints: {
      'pith/v1': `${f.id}|${platform ?? ''}|${f.path ?? ''}|${f.layerDigest ?? ''}|${f.message}`,
    },
    properties: { severity: f.severity, ...(platform ? { platform } : {}), fix: f.fix },
  }));
  return sarifLog(tool, [...rules.values()], results, { IMAGE: `${result.reference}@${result.digest}` });
}

function location(f: AuditFinding): Record<string, unknown> {
  return {
    physicalLocation: { artifactLocation: { uri: f.path!.replace(/^\//, ''), uriBaseId: 'IMAGE' } },
    ...(f.layerDigest
      ? {
          logicalLocations: [
            { name: f.layerDigest, fullyQualifiedName: `layer ${f.layer}: ${f.layerDigest}`, kind: 'module' },
          ],
        }
      : {}),
  };
}
