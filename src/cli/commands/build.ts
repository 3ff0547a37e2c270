// `pith build CONFIG --output REF`
import type { Command } from '@commander-js/extra-typings';
import { build } from '../../api/index.ts';
import { formatSummary } from '../format-summary.ts';
import { makeOutput } from '../output.ts';

export function buildCommand(program: Command): void {
  program
    .command('build')
    .description('build an image from a pith.yaml config')
    .argument('<config>', 'path of the pith.yaml config')
    .requiredOption(
      '-o, --output <ref>',
      'where to write: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG]',
    )
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nTimes in the image are clamped to SOURCE_DATE_EPOCH (default 0), so builds are reproducible.',
    )
    .action(async (config, opts) => {
      const out = makeOutput(opts);
      const report = await build({ config, output: opts.output, onStep: (s) => out.step(s) });
      out.done();
      out.result(report, () => formatSummary(report, `built ${report.output}`));
    });
}
