// `pith policy check REF --policy FILE`: every image of REF against a policy, one line per rule (PASS or
// FAIL and what was measured); exit 6 (a failed check) when any rule fails; --json, --sarif FILE.
import type { Command } from '@commander-js/extra-typings';
import { type PolicyReport, policySarif } from '../../api/index.ts';
import { PITH_TOOL, writeFileAtomic } from '../../util/index.ts';
import { makeOutput, ReportedFailure } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function policyCommand(program: Command, cli: CliContext): void {
  const policy = program
    .command('policy')
    .description('gate images on a policy: bases, size, CVEs, user, shell, SBOM, signature');
  policy
    .command('check')
    .description('check every image of a reference against a policy file; exit 6 when a rule fails')
    .argument('<ref>', 'any image reference pith reads')
    .requiredOption('--policy <file>', 'the policy (YAML; schema/policy.schema.json)')
    .option('--sarif <file>', 'also write the failed rules as SARIF 2.1.0 to this file')
    .option('--offline', 'use only cached feeds')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the results as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith(opts, out).policyCheck({ reference: ref, policy: opts.policy });
      out.done();
      if (opts.sarif)
        await writeFileAtomic(
          opts.sarif,
          Buffer.from(`${JSON.stringify(policySarif(report, PITH_TOOL), null, 2)}\n`),
        );
      out.result(report, () => policyText(report));
      if (!report.pass) {
        const failed = report.images.flatMap((i) => i.results).filter((r) => !r.pass).length;
        const message = `${failed} policy rule(s) failed for ${ref}`;
        process.stderr.write(`pith: ${message}\n`);
        throw new ReportedFailure({ code: 'POLICY_FAILED', kind: 'check', message });
      }
    });
}

function policyText(r: PolicyReport): string {
  return r.images
    .map((img) =>
      [
        `${img.platform ?? 'image'} ${img.digest}: ${img.pass ? 'PASS' : 'FAIL'}`,
        ...img.results.map((x) => `  ${x.pass ? 'PASS' : 'FAIL'} ${x.rule}: ${x.detail}`),
      ].join('\n'),
    )
    .join('\n\n');
}
