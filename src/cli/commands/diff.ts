// `pith diff A B`: what changed from image A to image B — files added, removed and changed (with sizes),
// packages added, removed and changed (both versions), the layers they share — the largest first in the
// text output, everything with --json.
import type { Command } from '@commander-js/extra-typings';
import { type DiffReport, diffHtml } from '../../api/index.ts';
import { humanSize, writeFileAtomic } from '../../util/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';

const SHOWN = 40;

export function diffCommand(program: Command, cli: CliContext): void {
  program
    .command('diff')
    .description('show what changed between two images: files, packages, shared layers')
    .argument('<from>', 'the image before (any transport pith reads)')
    .argument('<to>', 'the image after')
    .option('--platform <os/arch>', 'the platform to compare of multi-platform images (default linux/amd64)')
    .option('--html <file>', 'also write a self-contained HTML report (tables, charts) to this file')
    .option('--json', 'print every change as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (from, to, opts) => {
      const out = makeOutput(opts);
      const report = await cli
        .pith({}, out)
        .diff({ from, to, ...(opts.platform ? { platform: opts.platform } : {}) });
      out.done();
      if (opts.html) await writeFileAtomic(opts.html, Buffer.from(await diffHtml(report)));
      out.result(report, () => diffText(report));
    });
}

function diffText(r: DiffReport): string {
  const f = r.files;
  const p = r.packages;
  const sign = (n: number) => (n < 0 ? `-${humanSize(-n)}` : `+${humanSize(n)}`);
  const head = [
    `${r.from.reference} → ${r.to.reference}`,
    `files: ${f.added.length} added, ${f.removed.length} removed, ${f.changed.length} changed (${sign(r.sizeDelta)})`,
    `packages: ${p.added.length} added, ${p.removed.length} removed, ${p.changed.length} changed`,
    `layers shared: ${r.sharedLayers.length}`,
  ];
  /** A blank line and the lines of a non-empty list, the largest first, at most SHOWN. */
  const section = <T>(list: T[], size: (x: T) => number, line: (x: T) => string) =>
    list.length === 0
      ? []
      : [
          '',
          ...[...list]
            .sort((a, b) => size(b) - size(a))
            .slice(0, SHOWN)
            .map(line),
          ...(list.length > SHOWN ? [`  … ${list.length - SHOWN} more (--json lists all)`] : []),
        ];
  const none = () => 0;
  return [
    ...head,
    ...section(p.added, none, (x) => `+ ${x.name} ${x.version} ${x.architecture}`),
    ...section(p.removed, none, (x) => `- ${x.name} ${x.version} ${x.architecture}`),
    ...section(p.changed, none, (x) => `~ ${x.name} ${x.from} → ${x.to}`),
    ...section(
      f.added,
      (x) => x.size,
      (x) => `+ ${x.path} ${humanSize(x.size)}`,
    ),
    ...section(
      f.removed,
      (x) => x.size,
      (x) => `- ${x.path} ${humanSize(x.size)}`,
    ),
    ...section(
      f.changed,
      (x) => Math.abs(x.toSize - x.fromSize),
      (x) => `~ ${x.path} ${humanSize(x.fromSize)} → ${humanSize(x.toSize)} (${x.what.join(', ')})`,
    ),
  ].join('\n');
}
