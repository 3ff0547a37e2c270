// `pith compare REF…`: images side by side, as the seed articles' table — packages, CVEs by severity (with
// --feed), shell, package manager, user, compressed and uncompressed size, layers, audit findings — as a
// Markdown table ready to paste, or --json.
import type { Command } from '@commander-js/extra-typings';
import type { ComparedImage } from '../../api/index.ts';
import { humanSize, makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

export function compareCommand(program: Command, cli: CliContext): void {
  program
    .command('compare')
    .description('compare images side by side: packages, CVEs, shell, package manager, user, size, layers')
    .argument('<refs...>', 'two or more image references (any transport pith reads)')
    .option(
      '--feed <file|url>',
      'a vulnerability feed, to count CVEs (repeatable)',
      (v, p: string[]) => [...p, v],
      [] as string[],
    )
    .option('--platform <os/arch>', 'the platform to compare of multi-platform images (default linux/amd64)')
    .option('--offline', 'use only cached feeds')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the comparison as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (refs, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith(opts, out).compare({
        references: refs,
        ...(opts.feed.length ? { feeds: opts.feed } : {}),
        ...(opts.platform ? { platform: opts.platform } : {}),
      });
      out.done();
      out.result(report, () => markdownTable(report.images));
    });
}

/** The comparison as a Markdown table, one row per image. */
export function markdownTable(images: readonly ComparedImage[]): string {
  const withCves = images.some((i) => i.vulnerabilities);
  const header = [
    'image',
    'packages',
    ...(withCves ? ['CVEs (C/H/M/L)'] : []),
    'shell',
    'package manager',
    'user',
    'compressed',
    'uncompressed',
    'layers',
    'findings (H/M/L)',
  ];
  const rows = images.map((i) => [
    `\`${i.reference}\``,
    String(i.packages),
    ...(withCves
      ? [
          i.vulnerabilities
            ? `${i.vulnerabilities.critical}/${i.vulnerabilities.high}/${i.vulnerabilities.medium}/${i.vulnerabilities.low}`
            : '–',
        ]
      : []),
    i.shells.length ? `yes (${i.shells.length})` : 'no',
    i.packageManagers.length
      ? `yes (${i.packageManagers.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')})`
      : 'no',
    i.user,
    humanSize(i.compressedSize),
    humanSize(i.uncompressedSize),
    String(i.layers),
    `${i.findings.high}/${i.findings.medium}/${i.findings.low}`,
  ]);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
