// pith's own name and version, as SBOMs, SARIF logs, attestations and `pith --version` state them
// (test/util/tool.test.ts keeps the version equal to package.json's).

export const PITH_TOOL = { name: 'pith', version: '0.1.0' } as const;
