// The audit as an HTML page: per image, headline numbers, the attack-surface table, a chart of each
// layer's compressed and uncompressed size (with the history line that made it), treemaps of where the
// bytes are (directories, packages), and the findings with their fixes.
import type { AuditResult, ImageAudit } from '../audit/index.ts';
import { humanSize } from '../util/index.ts';
import { barChart } from './bar-chart.ts';
import { cards, esc, page, severity, table, yesNo } from './html.ts';
import { treemapSvg } from './treemap.ts';

export function auditHtml(result: AuditResult, generator: string): string {
  return page(
    'pith audit',
    `${result.reference} @ ${result.digest}`,
    result.images.map(imageSection),
    generator,
  );
}

function imageSection(img: ImageAudit): string {
  const user = img.user.root
    ? 'root'
    : `${img.user.uid ?? '?'}:${img.user.gid ?? '?'}${img.user.name ? ` (${img.user.name})` : ''}`;
  const counts = (s: string) => img.findings.filter((f) => f.severity === s).length;
  return `<section class="image">
<h2>${esc(img.platform ?? 'image')} <code>${esc(img.digest)}</code></h2>
${cards([
  ['compressed', humanSize(img.compressedSize)],
  ['uncompressed', humanSize(img.size)],
  ['layers', String(img.layers.length)],
  ['packages', String(img.packages)],
  ['findings high / medium', `${counts('high')} / ${counts('medium')}`],
  ['efficiency (dive)', `${(img.efficiency * 100).toFixed(1)} %`],
])}
${table(
  [],
  [
    ['shell', yesNo(img.shells.length > 0, img.shells.join(' '))],
    ['package manager', yesNo(img.packageManagers.length > 0, img.packageManagers.join(' '))],
    ['runs as', esc(user)],
    ['entrypoint', esc(img.entrypointForm === 'none' ? 'none set' : `${img.entrypointForm} form`)],
    ['CA bundle', img.caBundle ? 'yes' : 'no'],
    ['tzdata', img.tzdata ? 'yes' : 'no'],
    ['bytes hidden by later layers', esc(humanSize(img.reclaimableBytes))],
  ],
)}
<h3>Layers</h3>
${barChart(
  img.layers.map((l, i) => ({
    label: `${i}: ${l.createdBy ?? l.digest.slice(0, 19)}`,
    values: [l.compressedSize, l.size],
    text: `${humanSize(l.compressedSize)} / ${humanSize(l.size)}`,
  })),
  ['compressed', 'uncompressed'],
)}
<h3>Where the bytes are</h3>
${treemapSvg(img.directories)}
${img.packageSizes.length ? `<h3>Largest packages</h3>\n${treemapSvg({ name: 'packages', bytes: 0, children: img.packageSizes.map((p) => ({ name: p.name, bytes: p.bytes })) })}` : ''}
<h3>Findings</h3>
${
  img.findings.length
    ? table(
        ['severity', 'id', 'finding', 'where', 'fix'],
        img.findings.map((f) => [
          severity(f.severity),
          `<code class="id">${esc(f.id)}</code>`,
          esc(f.message),
          f.path ? `<code>${esc(f.path)}</code>${f.layer !== undefined ? ` (layer ${f.layer})` : ''}` : '',
          esc(f.fix),
        ]),
      )
    : '<p>No findings.</p>'
}
</section>`;
}
