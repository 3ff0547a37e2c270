// `pith import ROOTFS.tar[.gz|.zst] --output REF [--platform P]`: a root file system tarball made by another
// tool becomes a one-layer image, to inventory and compare it.
import type { Command } from '@commander-js/extra-typings';
import { formatSummary } from '../format-summary.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function importCommand(program: Command, cli: CliContext): void {
  program
    .command('import')
    .description('turn a root file system tarball (mmdebstrap, debootstrap, docker export) into an image')
    .argument('<rootfs>', 'the tarball: .tar, .tar.gz or .tar.zst')
    .requiredOption('-o, --output <ref>', 'where to write: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker://…')
    .option('--platform <os/arch[/variant]>', "the image's platform (default: this machine's)")
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (rootfs, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith({}, out).import({
        rootfs,
        output: opts.output,
        ...(opts.platform ? { platform: opts.platform } : {}),
      });
      out.done();
      out.result(report, () => formatSummary(report, `imported ${rootfs} → ${report.output}`));
    });
}
