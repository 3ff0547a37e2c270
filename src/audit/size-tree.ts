// Where an image's bytes are: the regular files' sizes summed up the directory tree, cut to what a treemap
// can show (three levels, the 12 largest children of each directory, the rest as one `…` node), and the
// bytes each package's present files take.
import type { ImageInventory, InventoryFile } from '../inventory/index.ts';
import { compareText } from '../util/index.ts';
import type { SizeNode } from './types.ts';

const DEPTH = 3;
const WIDTH = 12;

interface Dir {
  bytes: number;
  children: Map<string, Dir>;
}

/** The directory tree of the regular files' bytes. */
export function sizeTree(files: readonly InventoryFile[]): SizeNode {
  const root: Dir = { bytes: 0, children: new Map() };
  for (const f of files) {
    if (f.type !== 'file' || f.size === 0) continue;
    let d = root;
    d.bytes += f.size;
    const parts = f.path.split('/');
    for (const part of parts.slice(0, DEPTH)) {
      let next = d.children.get(part);
      if (!next) {
        next = { bytes: 0, children: new Map() };
        d.children.set(part, next);
      }
      next.bytes += f.size;
      d = next;
    }
  }
  return cut('/', root);
}

function cut(name: string, d: Dir): SizeNode {
  const kids = [...d.children.entries()].sort((a, b) => b[1].bytes - a[1].bytes || compareText(a[0], b[0]));
  if (kids.length === 0) return { name, bytes: d.bytes };
  const shown = kids.slice(0, WIDTH).map(([n, c]) => cut(n, c));
  const rest = kids.slice(WIDTH).reduce((n, [, c]) => n + c.bytes, 0);
  const own = d.bytes - kids.reduce((n, [, c]) => n + c.bytes, 0);
  return {
    name,
    bytes: d.bytes,
    children: [
      ...shown,
      ...(rest > 0 ? [{ name: `… ${kids.length - WIDTH} more`, bytes: rest }] : []),
      ...(own > 0 ? [{ name: '(files here)', bytes: own }] : []),
    ],
  };
}

/** The bytes of each package's present regular files, largest first (at most 30). */
export function packageSizes(inv: ImageInventory): { name: string; bytes: number }[] {
  const size = new Map(inv.files.map((f) => [f.path, f.type === 'file' ? f.size : 0]));
  return inv.packages
    .map((p) => ({ name: p.name, bytes: p.files.reduce((n, f) => n + (size.get(f) ?? 0), 0) }))
    .sort((a, b) => b.bytes - a.bytes || compareText(a.name, b.name))
    .slice(0, 30);
}
