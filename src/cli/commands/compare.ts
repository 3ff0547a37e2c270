// `pith compare REF…`: images side by side, as the seed articles' table — packages, CVEs by severity (with
// --feed), shell, package manager, user, compressed and uncompressed size, layers, audit findings — as a
// Markdown table ready to paste, or --json.
import type { Command } from '@commander-js/extra-typings';
import { type ComparedImage, compareHtml, comparisonTable } from '../../api/index.ts';
import { writeFileAtomic } from '../../util/index.ts';
import { makeOutput } from '../output.ts';
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
    .option('--html <file>', 'also write a self-contained HTML report (tables, charts) to this file')
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
      if (opts.html) await writeFileAtomic(opts.html, Buffer.from(await compareHtml(report)));
      out.result(report, () => markdownTable(report.images));
    });
}

/** The comparison as a Markdown table, one row per image. */
export function markdownTable(images: readonly ComparedImage[]): string {
  const { header, rows } = comparisonTable(images);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [
    line(header),
    line(header.map(() => '---')),
    ...rows.map((r) => line([`\`${r[0]}\``, ...r.slice(1)])),
  ].join('\n');
}
