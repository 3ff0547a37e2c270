// A horizontal bar chart in SVG: one row per item with its label, one or two bars (e.g. compressed and
// uncompressed size) scaled to the largest value, and the formatted values; each bar has a tooltip.
import { esc } from './html.ts';

export interface Bar {
  label: string;
  /** One or two values; the second is drawn lighter, behind the first. */
  values: number[];
  /** The text shown after the bars. */
  text: string;
}

const ROW = 22;
const LABEL = 260;
const WIDTH = 900;

export function barChart(bars: readonly Bar[], legend: readonly string[] = []): string {
  const max = Math.max(1, ...bars.flatMap((b) => b.values));
  const span = WIDTH - LABEL - 150;
  const colors = ['#2f6fde', '#a9c4f5'];
  const rows = bars.map((b, i) => {
    const y = i * ROW + 4;
    const drawn = b.values
      .map((v, j) => ({ v, j }))
      .sort((a, z) => z.v - a.v)
      .map(
        ({ v, j }) =>
          `<rect x="${LABEL}" y="${y + 3}" width="${Math.max(1, (v / max) * span).toFixed(1)}" height="${ROW - 8}" fill="${colors[j] ?? '#999'}"><title>${esc(`${b.label}: ${legend[j] ?? ''} ${v}`)}</title></rect>`,
      )
      .join('');
    const label = b.label.length > 40 ? `${b.label.slice(0, 39)}…` : b.label;
    return `<text x="${LABEL - 8}" y="${y + ROW / 2 + 3}" text-anchor="end">${esc(label)}</text>${drawn}<text x="${LABEL + span + 8}" y="${y + ROW / 2 + 3}">${esc(b.text)}</text>`;
  });
  const legendRow = legend.length
    ? `<g>${legend.map((l, j) => `<rect x="${LABEL + j * 140}" y="${bars.length * ROW + 10}" width="12" height="12" fill="${colors[j]}"/><text x="${LABEL + j * 140 + 18}" y="${bars.length * ROW + 20}">${esc(l)}</text>`).join('')}</g>`
    : '';
  const height = bars.length * ROW + (legend.length ? 30 : 8);
  return `<svg class="bar-chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}${legendRow}</svg>`;
}
