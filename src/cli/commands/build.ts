// `pith build [CONFIG] --output REF [--preset NAME] [--variant V] [--suite S] [--arch A,…]`
import { type Command, Option } from '@commander-js/extra-typings';
import { ARCHS, build, SUITES, VARIANTS } from '../../api/index.ts';
import { formatSummary } from '../format-summary.ts';
import { humanSize, makeOutput } from '../output.ts';

export function buildCommand(program: Command): void {
  program
    .command('build')
    .description('build an image from a pith.yaml config, a preset, or both')
    .argument('[config]', 'path of the pith.yaml config (optional with --preset)')
    .requiredOption(
      '-o, --output <ref>',
      'where to write: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:NAME:TAG], docker://HOST/REPO[:TAG]',
    )
    .option('--preset <name>', 'start from a shipped preset (see pith presets)')
    .addOption(new Option('--variant <variant>', 'distroless variant').choices(VARIANTS))
    .addOption(new Option('--suite <suite>', 'Debian suite').choices(SUITES))
    .option('--arch <archs>', 'comma-separated Debian architectures, e.g. amd64,arm64', (v) =>
      v.split(',').map((a) => a.trim()),
    )
    .option('--locked', 'build exactly what pith.lock.json lists; fail if the config or a file changed')
    .option('--offline', 'use only cached downloads')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nTimes in the image are clamped to SOURCE_DATE_EPOCH (default 0), so builds are reproducible.',
    )
    .action(async (config, opts) => {
      const out = makeOutput(opts);
      const archs = opts.arch?.map((a) => {
        if (!(ARCHS as readonly string[]).includes(a))
          program.error(`error: --arch ${a} is not one of ${ARCHS.join(', ')}`, { exitCode: 2 });
        return a as (typeof ARCHS)[number];
      });
      const report = await build({
        ...(config ? { config } : {}),
        output: opts.output,
        ...(opts.preset ? { preset: opts.preset } : {}),
        ...(opts.variant ? { variant: opts.variant as (typeof VARIANTS)[number] } : {}),
        ...(opts.suite ? { suite: opts.suite as (typeof SUITES)[number] } : {}),
        ...(archs ? { archs } : {}),
        ...(opts.offline ? { offline: true } : {}),
        ...(opts.locked ? { locked: true } : {}),
        ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
        onStep: (s) => out.step(s),
        onWarning: (w) => out.warn(w),
        onProgress: (p) => out.progress(p),
      });
      out.done();
      out.result(report, () => {
        const lines = [formatSummary(report, `built ${report.output}`)];
        for (const d of report.debian ?? []) {
          lines.push(
            '',
            `debian ${d.arch}: ${d.packages.length} packages, ${humanSize(d.droppedDocBytes)} of documentation left out${d.caCertificates ? `, ${d.caCertificates} CA certificates` : ''}`,
          );
          for (const p of d.packages) lines.push(`  ${p.name} ${p.version} ${p.architecture} (${p.origin})`);
        }
        return lines.join('\n');
      });
    });
}
