// `pith lint [DOCKERFILE…]`: Dockerfiles checked for minimal images, one line per finding
// (`FILE:LINE ID severity message`); exit 6 when a finding is --fail-on or worse (default warning);
// --json, --sarif FILE. `# pith ignore=ID,…` on the line above an instruction silences it there.
import type { Command } from '@commander-js/extra-typings';
import { LINT_RULES, LINT_SEVERITIES, type LintReport, lintSarif } from '../../api/index.ts';
import { PITH_TOOL, PithError, writeFileAtomic } from '../../util/index.ts';
import { makeOutput, ReportedFailure } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

const FAIL_ON = [...LINT_SEVERITIES, 'none'] as const;

export function lintCommand(program: Command, cli: CliContext): void {
  program
    .command('lint')
    .description(
      'lint Dockerfiles for minimal images: pinned bases, exec form, non-root, no tools in the final stage',
    )
    .argument('[files...]', 'Dockerfiles (default: ./Dockerfile)')
    .option(
      '--approved <pattern>',
      'an approved base image name; `*` matches any run (repeatable)',
      (v, p: string[]) => [...p, v],
      [] as string[],
    )
    .option('--policy <file>', "take the approved bases from a policy file's approvedBases")
    .option(
      '--fail-on <severity>',
      `exit 6 on a finding this severe or worse (${FAIL_ON.join(', ')}; default warning)`,
      'warning',
    )
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to this file')
    .option('--json', 'print the findings as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (files, opts) => {
      if (!(FAIL_ON as readonly string[]).includes(opts.failOn))
        throw new PithError(
          'usage',
          'BAD_SEVERITY',
          `--fail-on ${opts.failOn}: use one of ${FAIL_ON.join(', ')}`,
        );
      const out = makeOutput(opts);
      const report = await cli.pith({}, out).lint({
        files: files.length ? files : ['Dockerfile'],
        ...(opts.approved.length ? { approved: opts.approved } : {}),
        ...(opts.policy ? { policy: opts.policy } : {}),
      });
      out.done();
      if (opts.sarif)
        await writeFileAtomic(
          opts.sarif,
          Buffer.from(`${JSON.stringify(lintSarif(report.findings, PITH_TOOL), null, 2)}\n`),
        );
      out.result(report, () => lintText(report));
      if (opts.failOn === 'none') return;
      const worst = LINT_SEVERITIES.indexOf(opts.failOn as (typeof LINT_SEVERITIES)[number]);
      const failing = report.findings.filter((f) => LINT_SEVERITIES.indexOf(f.severity) <= worst).length;
      if (failing > 0) {
        const message = `${failing} lint finding(s) of severity ${opts.failOn} or worse`;
        process.stderr.write(`pith: ${message}\n`);
        throw new ReportedFailure({ code: 'LINT_FAILED', kind: 'check', message });
      }
    });
}

function lintText(r: LintReport): string {
  if (r.findings.length === 0) return `${r.files.join(', ')}: no findings`;
  return r.findings
    .map((f) => `${f.file}:${f.line} ${f.id} ${f.severity}: ${f.message}\n    fix: ${LINT_RULES[f.id].fix}`)
    .join('\n');
}
