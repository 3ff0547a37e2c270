// `pith sbom REF [--format cyclonedx|spdx] [--spec-version 1.6|1.5] [--output FILE]`: the SBOM of any image,
// on stdout or written atomically to a file.
import type { Command } from '@commander-js/extra-typings';
import type { CycloneDxVersion, SbomFormat } from '../../api/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function sbomCommand(program: Command, cli: CliContext): void {
  program
    .command('sbom')
    .description('write an SBOM of an image: CycloneDX 1.6 (or 1.5) or SPDX 2.3 JSON')
    .argument('<ref>', 'any image reference (oci:, oci-archive:, docker-archive:, docker://, a bare path)')
    .option('--format <format>', 'cyclonedx or spdx (checked by the API)', 'cyclonedx')
    .option('--spec-version <version>', 'CycloneDX spec version: 1.6 (default) or 1.5 for older readers')
    .option('-o, --output <file>', 'write the SBOM to this file (atomically) instead of stdout')
    .option('--json', 'print a JSON report (format, output) instead of the document')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith({}, out).sbom({
        reference: ref,
        format: opts.format as SbomFormat,
        ...(opts.specVersion ? { specVersion: opts.specVersion as CycloneDxVersion } : {}),
        ...(opts.output ? { output: opts.output } : {}),
      });
      out.done();
      if (opts.json) out.result({ format: report.format, output: report.output ?? null }, () => '');
      else if (opts.output) process.stderr.write(`wrote ${report.format} SBOM to ${opts.output}\n`);
      else process.stdout.write(report.json);
    });
}
