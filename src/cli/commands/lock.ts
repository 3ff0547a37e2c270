// `pith lock [CONFIG]` writes pith.lock.json; `pith why PKG [CONFIG]` explains why a package is installed.
import type { Command } from '@commander-js/extra-typings';
import { type Arch, type LockRequest, SUITES, type Suite, VARIANTS, type Variant } from '../../api/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';
import { archList } from './build.ts';

/** Adds the options shared by lock and why (their values are read back as SelectionOpts). */
function selection(cmd: Command<unknown[], Record<string, unknown>>): void {
  cmd
    .option('--preset <name>', 'start from a shipped preset (see pith presets)')
    .option('--variant <variant>', `distroless variant: ${VARIANTS.join(', ')}`)
    .option('--suite <suite>', `Debian suite: ${SUITES.join(', ')}`)
    .option('--arch <archs>', 'comma-separated Debian architectures, e.g. amd64,arm64', archList)
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

/** The request the flags make; the API validates the overrides with the config. */
function request(config: string | undefined, o: SelectionOpts): LockRequest {
  return {
    ...(config ? { config } : {}),
    ...(o.preset ? { preset: o.preset } : {}),
    ...(o.variant ? { variant: o.variant as Variant } : {}),
    ...(o.suite ? { suite: o.suite as Suite } : {}),
    ...(o.arch ? { archs: o.arch as Arch[] } : {}),
  };
}

export function lockCommand(program: Command, cli: CliContext): void {
  const cmd = program
    .command('lock')
    .description('resolve the Debian packages of a config and write pith.lock.json beside it')
    .argument('[config]', 'path of the pith.yaml config');
  selection(cmd as unknown as Command<unknown[], Record<string, unknown>>);
  cmd.action(async (config, raw) => {
    const opts = raw as SelectionOpts;
    const out = makeOutput(opts);
    const report = await cli.pith(opts, out).lock(request(config, opts));
    out.done();
    out.result(report, () => {
      const lines = [`wrote ${report.file}`];
      for (const [arch, pkgs] of Object.entries(report.lock.archs))
        lines.push(`  ${arch}: ${pkgs.length} packages`);
      return lines.join('\n');
    });
  });
}

export function whyCommand(program: Command, cli: CliContext): void {
  const cmd = program
    .command('why')
    .description('explain which requirement pulled a package into the image')
    .argument('<package>', 'Debian package name')
    .argument('[config]', 'path of the pith.yaml config');
  selection(cmd as unknown as Command<unknown[], Record<string, unknown>>);
  cmd.action(async (pkg, config, raw) => {
    const opts = raw as SelectionOpts;
    const out = makeOutput(opts);
    const reports = await cli.pith(opts, out).why({ ...request(config, opts), package: pkg });
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
