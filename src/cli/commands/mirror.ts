// `pith mirror LOCK docker://HOST/REPO`: stores the lock's .deb files in a registry repository.
import type { Command } from '@commander-js/extra-typings';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function mirrorCommand(program: Command, cli: CliContext): void {
  program
    .command('mirror')
    .description(
      "store every .deb a lock pins in a registry repository, so --locked builds outlive Debian's removal of old versions (config: mirror.registry)",
    )
    .argument('<lock>', 'the pith.lock.json to mirror')
    .argument('<repository>', 'docker://HOST/REPO')
    .option(
      '--config <file>',
      'the config whose mirror settings to download with (default: pith.yaml beside the lock)',
    )
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (lock, repository, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith(opts, out).mirror({
        lock,
        output: repository,
        ...(opts.config ? { config: opts.config } : {}),
      });
      out.done();
      out.result(report, () => {
        const sent = report.packages.filter((p) => p.how === 'uploaded').length;
        return `mirrored ${report.packages.length} packages of ${report.lock} to ${report.output} (${sent} sent, ${report.packages.length - sent} already there)`;
      });
    });
}
