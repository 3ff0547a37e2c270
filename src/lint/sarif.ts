// Lint findings as SARIF 2.1.0: one rule per id that occurs (title, fix, hadolint's id as a tag when there
// is one), one result per finding located at its file and line.
import { type SarifTool, sarifLog } from '../util/index.ts';
import { LINT_RULES, type LintFinding } from './rules.ts';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function lintSarif(findings: readonly LintFinding[], tool: SarifTool): Record<string, unknown> {
  const ids = [...new Set(findings.map((f) => f.id))];
  const rules = ids.map((id) => {
    const r = LINT_RULES[id] as {
      severity: keyof typeof LEVEL;
      title: string;
      fix: string;
      hadolint?: string;
    };
    return {
      id,
      shortDescription: { text: r.title },
      help: { text: r.fix },
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { tags: ['dockerfile', ...(r.hadolint ? [r.hadolint] : [])] },
    };
  });
  const results = findings.map((f) => ({
    ruleId: f.id,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: { startLine: f.line } } }],
  }));
  return sarifLog(tool, rules, results);
}
