// `pith ldd FILE`: the Debian packages an ELF binary needs — its interpreter and each DT_NEEDED soname, the
// path it is found at and the package (and version) that ships it, then the packages to add; --json prints
// the report as it is.
import type { Command } from '@commander-js/extra-typings';
import type { LddReport } from '../../api/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';
import { suiteSource, withSuiteOptions } from '../suite-source.ts';

export function lddCommand(program: Command, cli: CliContext): void {
  withSuiteOptions(
    program
      .command('ldd')
      .description(
        "list the Debian packages an ELF binary needs: its interpreter and libraries, from the suite's Contents",
      )
      .argument('<file>', 'an ELF executable or shared object')
      .option('--suite <suite>', 'Debian suite to look in, with its -updates and -security (default trixie)')
      .option('--arch <arch>', "Debian architecture (default: the binary's, from its ELF header)"),
  )
    .option('--offline', 'use only cached indexes')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the report as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (file, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith(opts, out).ldd({
        file,
        ...(opts.suite ? { suite: opts.suite } : {}),
        ...(opts.arch ? { arch: opts.arch } : {}),
        ...suiteSource(opts),
      });
      out.done();
      out.result(report, () => lddText(report));
    });
}

function lddText(r: LddReport): string {
  const lines = [`${r.file} (${r.arch}, ${r.suite})`];
  if (r.static.length) lines.push('  static: needs no interpreter and no library');
  const source = (f: { from: string; package?: string; version?: string; candidates?: string[] }) =>
    f.from === 'image'
      ? 'in the image'
      : `${f.package}${f.version ? ` ${f.version}` : ''}${f.candidates ? ` (of ${f.candidates.join(', ')})` : ''}`;
  for (const i of r.interpreters) lines.push(`  interpreter ${i.interpreter} → ${i.path} → ${source(i)}`);
  for (const l of r.libraries) {
    const by = l.neededBy === r.file ? '' : ` (needed by ${l.neededBy})`;
    lines.push(`  ${l.soname}${by} → ${l.path} → ${source(l)}`);
  }
  for (const m of r.missing) lines.push(`  ${m.name} (needed by ${m.neededBy}) → not found`);
  lines.push(`packages: ${r.packages.join(' ') || '(none)'}`);
  return lines.join('\n');
}
