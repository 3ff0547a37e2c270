// A policy check as SARIF 2.1.0: one rule per policy key that was checked, one result per failed check
// (level error) naming the image and what was measured, so CI code-scanning shows the broken rules.
import { type SarifTool, sarifLog } from '../util/index.ts';
import type { RuleResult } from './evaluate.ts';

export interface PolicySarifInput {
  reference: string;
  digest: string;
  policy: string;
  images: { platform?: string; digest: string; results: RuleResult[] }[];
}

export function policySarif(report: PolicySarifInput, tool: SarifTool): Record<string, unknown> {
  const rules = [...new Set(report.images.flatMap((i) => i.results.map((r) => r.rule)))].map((rule) => ({
    id: `policy/${rule}`,
    shortDescription: { text: `Policy rule ${rule}` },
    help: { text: `Set by ${report.policy}.` },
    defaultConfiguration: { level: 'error' },
  }));
  const results = report.images.flatMap((img) =>
    img.results
      .filter((r) => !r.pass)
      .map((r) => ({
        ruleId: `policy/${r.rule}`,
        level: 'error',
        message: { text: `${img.platform ?? 'image'}: ${r.detail}` },
        locations: [
          {
            logicalLocations: [
              { name: img.digest, fullyQualifiedName: `${report.reference}@${img.digest}`, kind: 'module' },
            ],
          },
        ],
        partialFingerprints: { 'pith/v1': `${r.rule}|${img.digest}` },
      })),
  );
  return sarifLog(tool, rules, results, { IMAGE: `${report.reference}@${report.digest}` });
}
