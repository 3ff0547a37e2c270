// The comparison as an HTML page: the seed articles' table, then charts of compressed and uncompressed
// size and of package counts, one bar per image.
import { type ComparedImage, comparisonTable } from '../audit/index.ts';
import { humanSize } from '../util/index.ts';
import { barChart } from './bar-chart.ts';
import { esc, page, table, yesNo } from './html.ts';

export function compareHtml(images: readonly ComparedImage[], generator: string): string {
  const { header, rows } = comparisonTable(images);
  const shell = header.indexOf('shell');
  const cell = (text: string, i: number) =>
    i === 0
      ? `<code>${esc(text)}</code>`
      : i === shell || i === shell + 1
        ? yesNo(text !== 'no', text.replace(/^yes ?/, ''))
        : esc(text);
  const numeric = header.flatMap((h, i) =>
    ['packages', 'compressed', 'uncompressed', 'layers'].includes(h) ? [i] : [],
  );
  return page(
    'pith compare',
    `${images.length} images`,
    [
      table(
        header,
        rows.map((r) => r.map(cell)),
        numeric,
      ),
      '<h2>Size</h2>',
      barChart(
        images.map((i) => ({
          label: i.reference,
          values: [i.compressedSize, i.uncompressedSize],
          text: `${humanSize(i.compressedSize)} / ${humanSize(i.uncompressedSize)}`,
        })),
        ['compressed', 'uncompressed'],
      ),
      '<h2>Packages</h2>',
      barChart(images.map((i) => ({ label: i.reference, values: [i.packages], text: String(i.packages) }))),
    ],
    generator,
  );
}
