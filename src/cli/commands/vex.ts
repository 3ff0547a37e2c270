// `pith vex REF [--triage FILE] [--feed …] [--output FILE]`: an OpenVEX v0.2.0 document for an image,
// from the user's triage decisions and what pith proves itself, with the product ids trivy and grype match.
import type { Command } from '@commander-js/extra-typings';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function vexCommand(program: Command, cli: CliContext): void {
  program
    .command('vex')
    .description('write an OpenVEX v0.2.0 document for an image from a triage file and what pith can prove')
    .argument('<ref>', 'any image reference (oci:, oci-archive:, docker-archive:, docker://, a bare path)')
    .option(
      '--triage <file>',
      'YAML of decisions: author, statements (vulnerability, status, justification…)',
    )
    .option(
      '--feed <file|url>',
      'vulnerability feed, to find the packages each vulnerability is in (repeatable)',
      (v, p: string[]) => [...p, v],
      [] as string[],
    )
    .option('--author <name>', 'author when the triage file names none (default: pith)')
    .option('-o, --output <file>', 'write the document to this file (atomically) instead of stdout')
    .option('--offline', 'use only cached feeds')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print a JSON report (statements, output) instead of the document')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith(opts, out).vex({
        reference: ref,
        ...(opts.triage ? { triage: opts.triage } : {}),
        ...(opts.feed.length ? { feeds: opts.feed } : {}),
        ...(opts.author ? { author: opts.author } : {}),
        ...(opts.output ? { output: opts.output } : {}),
      });
      out.done();
      if (opts.json)
        out.result(
          { triaged: report.triaged, proven: report.proven, output: report.output ?? null },
          () => '',
        );
      else if (opts.output)
        process.stderr.write(
          `wrote OpenVEX (${report.triaged} triaged, ${report.proven} proven) to ${opts.output}\n`,
        );
      else process.stdout.write(report.json);
    });
}
