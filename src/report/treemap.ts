// A treemap in SVG (squarified, d3-hierarchy's layout): rectangles sized by bytes, for the largest
// directories or packages of an image; each has a tooltip with its full name and size, and a label when it
// is large enough to hold one.

import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import type { SizeNode } from '../audit/index.ts';
import { humanSize } from '../util/index.ts';
import { esc } from './html.ts';

const W = 900;
const H = 420;
const PALETTE = [
  '#2f6fde',
  '#00897b',
  '#8e24aa',
  '#e07b00',
  '#5d4037',
  '#c62828',
  '#3949ab',
  '#558b2f',
  '#6d4c41',
  '#00838f',
];

export function treemapSvg(root: SizeNode): string {
  const h = hierarchy<SizeNode>(root, (n) => n.children)
    .sum((n) => (n.children?.length ? 0 : n.bytes))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const laid = treemap<SizeNode>()
    .tile(treemapSquarify)
    .size([W, H])
    .paddingInner(1)
    .paddingTop((d) => (d.depth === 1 ? 14 : 0))
    .round(true)(h);
  const top = new Map(laid.children?.map((c, i) => [c, PALETTE[i % PALETTE.length]!]) ?? []);
  const colorOf = (n: typeof laid): string => {
    let x: typeof laid | null = n;
    while (x && x.depth > 1) x = x.parent;
    return (x && top.get(x)) ?? '#999';
  };
  const path = (n: typeof laid) =>
    n
      .ancestors()
      .reverse()
      .slice(1)
      .map((a) => a.data.name)
      .join('/');
  const rects = laid
    .descendants()
    .filter((n) => n.depth > 0)
    .map((n) => {
      const w = n.x1 - n.x0;
      const hgt = n.y1 - n.y0;
      const leaf = !n.children;
      const fill = leaf ? colorOf(n) : 'none';
      const label =
        (leaf && w > 60 && hgt > 16) || (!leaf && n.depth === 1 && w > 60)
          ? `<text x="${n.x0 + 4}" y="${n.y0 + 11}" ${leaf ? 'fill="#fff" style="fill:#fff"' : ''}>${esc(clip(`${n.data.name} ${humanSize(n.value ?? 0)}`, w / 6.2))}</text>`
          : '';
      return `<g><rect x="${n.x0}" y="${n.y0}" width="${w}" height="${hgt}" fill="${fill}" stroke="${leaf ? '#fff' : '#bbb'}"${leaf ? ' opacity="0.9"' : ''}><title>${esc(`${path(n)} — ${humanSize(n.value ?? 0)}`)}</title></rect>${label}</g>`;
    });
  return `<svg class="treemap" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${rects.join('')}</svg>`;
}

function clip(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, Math.max(1, Math.floor(chars) - 1))}…`;
}
