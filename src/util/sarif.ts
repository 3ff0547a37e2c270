// The SARIF 2.1.0 log (OASIS) every pith report that has findings writes (scan, audit, and the policy and
// lint reports): one run, the tool's driver with its rules sorted by id, the results in the order given,
// and the base URIs their locations are relative to. The callers decide what a rule and a result say.
import { compareText } from './compare.ts';

export interface SarifTool {
  name: string;
  version: string;
  informationUri?: string;
}

export type SarifRule = { id: string } & Record<string, unknown>;
export type SarifResult = { ruleId: string } & Record<string, unknown>;

/** A SARIF log of one run; `baseIds` names what each `uriBaseId` of the locations stands for. */
export function sarifLog(
  tool: SarifTool,
  rules: readonly SarifRule[],
  results: readonly SarifResult[],
  baseIds: Record<string, string> = {},
): Record<string, unknown> {
  const sorted = [...rules].sort((a, b) => compareText(a.id, b.id));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: sorted,
          },
        },
        ...(Object.keys(baseIds).length
          ? {
              originalUriBaseIds: Object.fromEntries(
                Object.entries(baseIds).map(([id, text]) => [id, { description: { text } }]),
              ),
            }
          : {}),
        results,
      },
    ],
  };
}
