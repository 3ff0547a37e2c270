// `diff`: what changed between two images (one platform of each): files added, removed and changed (content,
// type, mode, owner or link target, with both sizes), packages added, removed and changed (both versions),
// and which layers the two share (by digest, in order) — what dive users export by hand.

import type { ImageInventory, InventoryFile } from '../inventory/index.ts';
import { compareText } from '../util/index.ts';
import { examine } from './audit.ts';
import type { Context } from './context.ts';

export interface DiffRequest {
  from: string;
  to: string;
  /** The platform of multi-platform images to compare (default linux/amd64, else the first). */
  platform?: string;
}

export interface FileChange {
  path: string;
  /** What differs: `content`, `type`, `mode`, `owner`, `target`. */
  what: string[];
  fromSize: number;
  toSize: number;
}

export interface PackageChange {
  name: string;
  architecture: string;
  from: string;
  to: string;
}

export interface DiffReport {
  from: { reference: string; digest: string; platform?: string };
  to: { reference: string; digest: string; platform?: string };
  /** Layer digests both images have, in the order of `from`. */
  sharedLayers: string[];
  files: {
    added: { path: string; size: number }[];
    removed: { path: string; size: number }[];
    changed: FileChange[];
  };
  packages: {
    added: { name: string; architecture: string; version: string }[];
    removed: { name: string; architecture: string; version: string }[];
    changed: PackageChange[];
  };
  /** Bytes of regular files: `to` minus `from`. */
  sizeDelta: number;
}

export async function diff(ctx: Context, req: DiffRequest): Promise<DiffReport> {
  const a = await examine(ctx, req.from, req.platform ?? 'one');
  const b = await examine(ctx, req.to, req.platform ?? 'one');
  const ia = a.inventory.images[0]!;
  const ib = b.inventory.images[0]!;
  const layersB = new Set(b.audit.images[0]!.layers.map((l) => l.digest));
  return {
    from: side(req.from, ia),
    to: side(req.to, ib),
    sharedLayers: a.audit.images[0]!.layers.map((l) => l.digest).filter((d) => layersB.has(d)),
    files: fileChanges(ia.files, ib.files),
    packages: packageChanges(ia, ib),
    sizeDelta: bytes(ib.files) - bytes(ia.files),
  };
}

function side(reference: string, img: ImageInventory): DiffReport['from'] {
  return { reference, digest: img.digest, ...(img.platform ? { platform: img.platform } : {}) };
}

function bytes(files: readonly InventoryFile[]): number {
  return files.reduce((n, f) => n + f.size, 0);
}

function fileChanges(from: readonly InventoryFile[], to: readonly InventoryFile[]): DiffReport['files'] {
  const before = new Map(from.map((f) => [f.path, f]));
  const after = new Map(to.map((f) => [f.path, f]));
  const out: DiffReport['files'] = { added: [], removed: [], changed: [] };
  for (const f of to) if (!before.has(f.path)) out.added.push({ path: `/${f.path}`, size: f.size });
  for (const f of from) if (!after.has(f.path)) out.removed.push({ path: `/${f.path}`, size: f.size });
  for (const f of to) {
    const old = before.get(f.path);
    if (!old) continue;
    const what = [
      ...(old.type !== f.type ? ['type'] : []),
      ...(old.sha256 !== f.sha256 ? ['content'] : []),
      ...((old.mode & 0o7777) !== (f.mode & 0o7777) ? ['mode'] : []),
      ...(old.uid !== f.uid || old.gid !== f.gid ? ['owner'] : []),
      ...(old.linkTarget !== f.linkTarget ? ['target'] : []),
    ];
    if (what.length) out.changed.push({ path: `/${f.path}`, what, fromSize: old.size, toSize: f.size });
  }
  return out;
}

function packageChanges(from: ImageInventory, to: ImageInventory): DiffReport['packages'] {
  const key = (p: { name: string; architecture: string }) => `${p.name}\0${p.architecture}`;
  const before = new Map(from.packages.map((p) => [key(p), p]));
  const after = new Map(to.packages.map((p) => [key(p), p]));
  const brief = (p: { name: string; architecture: string; version: string }) => ({
    name: p.name,
    architecture: p.architecture,
    version: p.version,
  });
  const byName = (x: { name: string; architecture: string }, y: { name: string; architecture: string }) =>
    compareText(x.name, y.name) || compareText(x.architecture, y.architecture);
  return {
    added: to.packages
      .filter((p) => !before.has(key(p)))
      .map(brief)
      .sort(byName),
    removed: from.packages
      .filter((p) => !after.has(key(p)))
      .map(brief)
      .sort(byName),
    changed: to.packages
      .filter((p) => before.has(key(p)) && before.get(key(p))!.version !== p.version)
      .map((p) => ({
        name: p.name,
        architecture: p.architecture,
        from: before.get(key(p))!.version,
        to: p.version,
      }))
      .sort(byName),
  };
}
