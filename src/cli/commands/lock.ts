// `pith lock [CONFIG]` writes pith.lock.json; `pith why PKG [CONFIG]` explains why a package is installed.
import { type Command, Option } from '@commander-js/extra-typings';
import { type ARCHS, lock, SUITES, VARIANTS, why } from '../../api/index.ts';
import { makeOutput, type Output } from '../output.ts';

/** Adds the options shared by lock and why (their values are read back as SelectionOpts). */
function selection(cmd: Command<unknown[], Record<string, unknown>>): void {
  cmd
    .option('--preset <name>', 'start from a shipped preset (see pith presets)')
    .addOption(new Option('--variant <variant>', 'distroless variant').choices(VARIANTS))
    .addOption(new Option('--suite <suite>', 'Debian suite').choices(SUITES))
    .option('--arch <archs>', 'comma-separated Debian architectures, e.g. amd64,arm64', (v: string) =>
      v.split(',').map((a) => a.trim()),
    )
    .option('--offline', 'use only cached downloads')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output');
}

type SelectionOpts = {
  preset?: string;
  variant?: string;
  suite?: string;
  arch?: string[];
  offline?: true;
  cacheDir?: string;
  json?: boolean;
  quiet?: boolean;
};

function request(config: string | undefined, o: SelectionOpts, out: Output) {
  return {
    ...(config ? { config } : {}),
    ...(o.preset ? { preset: o.preset } : {}),
    ...(o.variant ? { variant: o.variant as (typeof VARIANTS)[number] } : {}),
    ...(o.suite ? { suite: o.suite as (typeof SUITES)[number] } : {}),
    ...(o.arch ? { archs: o.arch as (typeof ARCHS)[number][] } : {}),
    ...(o.offline ? { offline: true } : {}),
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
    onStep: (s: string) => out.step(s),
    onWarning: (w: string) => out.warn(w),
  };
}

export function lockCommand(program: Command): void {
  const cmd = program
    .command('lock')
    .description('resolve the Debian packages of a config and write pith.lock.json beside it')
    .argument('[config]', 'path of the pith.yaml config');
  selection(cmd as unknown as Command<unknown[], Record<string, unknown>>);
  cmd.action(async (config, raw) => {
    const opts = raw as SelectionOpts;
    const out = makeOutput(opts);
    const report = await lock(request(config, opts, out));
    out.done();
    out.result(report, () => {
      const lines = [`wrote ${report.file}`];
      for (const [arch, pkgs] of Object.entries(report.lock.archs))
        lines.push(`  ${arch}: ${pkgs.length} packages`);
      return lines.join('\n');
    });
  });
}

export function whyCommand(program: Command): void {
  const cmd = program
    .command('why')
    .description('explain which requirement pulled a package into the image')
    .argument('<package>', 'Debian package name')
    .argument('[config]', 'path of the pith.yaml config');
  selection(cmd as unknown as Command<unknown[], Record<string, unknown>>);
  cmd.action(async (pkg, config, raw) => {
    const opts = raw as SelectionOpts;
    const out = makeOutput(opts);
    const reports = await why(request(config, opts, out), pkg);
    out.done();
    out.result(reports, () =>
      reports
        .map((r) =>
          [
            `${r.package} ${r.version} (${r.arch})`,
            ...r.chain.map((c, i) => `${'  '.repeat(i + 1)}← ${c.package}: ${c.relation}`),
          ].join('\n'),
        )
        .join('\n'),
    );
  });
}
