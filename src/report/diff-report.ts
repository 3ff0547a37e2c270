// The diff as an HTML page: headline numbers, the package changes, a chart of the largest file changes,
// and a treemap of the bytes added.
import type { DiffReport } from '../audit/index.ts';
import { humanSize } from '../util/index.ts';
import { barChart } from './bar-chart.ts';
import { cards, esc, page, table } from './html.ts';
import { treemapSvg } from './treemap.ts';

export function diffHtml(r: DiffReport, generator: string): string {
  const f = r.files;
  const p = r.packages;
  const changes = [
    ...f.added.map((x) => ({ label: `+ ${x.path}`, delta: x.size })),
    ...f.removed.map((x) => ({ label: `- ${x.path}`, delta: -x.size })),
    ...f.changed.map((x) => ({ label: `~ ${x.path}`, delta: x.toSize - x.fromSize })),
  ]
    .filter((c) => c.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .slice(0, 25);
  const pkgRows = [
    ...p.added.map((x) => ['added', esc(x.name), '', esc(x.version)]),
    ...p.removed.map((x) => ['removed', esc(x.name), esc(x.version), '']),
    ...p.changed.map((x) => ['changed', esc(x.name), esc(x.from), esc(x.to)]),
  ];
  // the 200 largest, so a diff of a whole new image still draws a readable (and small) page
  const added = f.added
    .filter((x) => x.size > 0)
    .sort((a, b) => b.size - a.size)
    .slice(0, 200);
  return page(
    'pith diff',
    `${r.from.reference} → ${r.to.reference}`,
    [
      cards([
        ['files added / removed / changed', `${f.added.length} / ${f.removed.length} / ${f.changed.length}`],
        [
          'packages added / removed / changed',
          `${p.added.length} / ${p.removed.length} / ${p.changed.length}`,
        ],
        ['size change', `${r.sizeDelta < 0 ? '-' : '+'}${humanSize(Math.abs(r.sizeDelta))}`],
        ['layers shared', String(r.sharedLayers.length)],
      ]),
      '<h2>Packages</h2>',
      pkgRows.length ? table(['change', 'package', 'from', 'to'], pkgRows) : '<p>No package changed.</p>',
      '<h2>Largest file changes</h2>',
      changes.length
        ? barChart(
            changes.map((c) => ({
              label: c.label,
              values: [Math.abs(c.delta)],
              text: `${c.delta < 0 ? '-' : '+'}${humanSize(Math.abs(c.delta))}`,
            })),
          )
        : '<p>No file changed size.</p>',
      ...(added.length
        ? [
            '<h2>Bytes added</h2>',
            treemapSvg({
              name: 'added',
              bytes: 0,
              children: added.map((x) => ({ name: x.path, bytes: x.size })),
            }),
          ]
        : []),
    ],
    generator,
  );
}
