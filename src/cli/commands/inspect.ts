// `pith inspect REF` and `pith validate REF`
import type { Command } from '@commander-js/extra-typings';
import { formatSummary } from '../format-summary.ts';
import { makeOutput, ReportedFailure } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

const REF_HELP =
  'oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG|:@N], docker://HOST/REPO[:TAG][@DIGEST], or a bare path';

export function inspectCommand(program: Command, cli: CliContext): void {
  program
    .command('inspect')
    .description('show platforms, layers with sizes and the config of an image')
    .argument('<ref>', REF_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith().inspect(ref);
      out.result(report, () =>
        [
          formatSummary(report, report.reference),
          ...(report.referrers ?? []).map(
            (r) => `referrer  ${r.artifactType ?? r.mediaType} ${r.digest} → ${r.subject}`,
          ),
        ].join('\n'),
      );
    });
}

export function validateCommand(program: Command, cli: CliContext): void {
  program
    .command('validate')
    .description('re-derive every digest, size and diff_id of an image and report every problem')
    .argument('<ref>', REF_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith().validate(ref);
      out.result(report, () =>
        report.valid
          ? `${ref}: valid (${report.images} image${report.images === 1 ? '' : 's'}, ${report.digest})`
          : [
              `${ref}: ${report.problems.length} problem(s)`,
              ...report.problems.map((p) => `  ${p.where}: ${p.message}`),
            ].join('\n'),
      );
      if (!report.valid)
        throw new ReportedFailure({
          code: 'INVALID_IMAGE',
          kind: 'invalid',
          message: `${ref} is not a valid image`,
        });
    });
}
