// What changed between two images, from their inventories and audits: files added, removed and changed
// (content, type, mode, owner or link target, with both sizes), packages added, removed and changed (both
// versions), and the layers both share (by digest, in order) — what dive users export by hand.
import type { ImageInventory, InventoryFile } from '../inventory/index.ts';
import { compareText } from '../util/index.ts';
import type { ImageAudit } from './types.ts';

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

/** The diff from image A to image B (their inventories and audits). */
export function imageDiff(
  a: { reference: string; inventory: ImageInventory; audit: ImageAudit },
  b: { reference: string; inventory: ImageInventory; audit: ImageAudit },
): DiffReport {
  const layersB = new Set(b.audit.layers.map((l) => l.digest));
  return {
    from: side(a.reference, a.inventory),
    to: side(b.reference, b.inventory),
    sharedLayers: a.audit.layers.map((l) => l.digest).filter((d) => layersB.has(d)),
    files: fileChanges(a.inventory.files, b.inventory.files),
    packages: packageChanges(a.inventory, b.inventory),
    sizeDelta: bytes(b.inventory.files) - bytes(a.inventory.files),
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
