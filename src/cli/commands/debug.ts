// `pith debug SRC --output DST`: adds busybox at /busybox (distroless's debug layer) to every platform of
// any image; `pith rebase SRC --base NEW --output DST`: replaces an image's base layers with a new base's.
// Both print one line per platform (the new digest, the layer counts), or everything with --json.
import type { Command } from '@commander-js/extra-typings';
import type { DebugReport, RebaseReport } from '../../api/index.ts';
import { SUITES } from '../../api/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';
import { suiteSource, withSuiteOptions } from '../suite-source.ts';

const ANY_REF = 'any image reference pith reads (oci:, oci-archive:, docker-archive:, docker://, a path)';

export function debugCommands(program: Command, cli: CliContext): void {
  withSuiteOptions(
    program
      .command('debug')
      .description("add busybox at /busybox to any image, as distroless's debug variants have it")
      .argument('<source>', ANY_REF)
      .requiredOption('-o, --output <ref>', 'where to write the result (any transport)')
      .option(
        '--suite <suite>',
        `Debian suite of busybox-static (${SUITES.join(', ')}; default: the image's own, else trixie)`,
      ),
  )
    .option('--offline', 'use only cached indexes and packages')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (source, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith(opts, out).debug({
        source,
        output: opts.output,
        ...(opts.suite ? { suite: opts.suite } : {}),
        ...suiteSource(opts),
      });
      out.done();
      out.result(report, () => debugText(report));
    });
  program
    .command('rebase')
    .description("replace an image's base layers with a new base's, keeping its own layers and config")
    .argument('<source>', ANY_REF)
    .requiredOption('--base <ref>', 'the new base (a registry reference, or any transport)')
    .requiredOption('-o, --output <ref>', 'where to write the result (any transport)')
    .option(
      '--old-base <ref>',
      'the base the image was built on (default: its base.name/base.digest annotations)',
    )
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (source, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith({}, out).rebase({
        source,
        base: opts.base,
        output: opts.output,
        ...(opts.oldBase ? { oldBase: opts.oldBase } : {}),
      });
      out.done();
      out.result(report, () => rebaseText(report));
    });
}

function debugText(r: DebugReport): string {
  return [
    `${r.source} → ${r.output} ${r.digest}`,
    ...r.images.map(
      (i) =>
        `  ${i.platform} ${i.digest} ${i.layers} layers (${i.layers - 1} kept + ${i.busybox.name} ${i.busybox.version} from ${i.suite})`,
    ),
  ].join('\n');
}

function rebaseText(r: RebaseReport): string {
  return [
    `${r.source} → ${r.output} ${r.digest} (base ${r.base.name})`,
    ...r.images.map(
      (i) =>
        `  ${i.platform} ${i.digest} ${i.layers} layers (base ${i.oldBase.layers} → ${i.newBase.layers}, ${i.appLayers} kept)`,
    ),
  ].join('\n');
}
