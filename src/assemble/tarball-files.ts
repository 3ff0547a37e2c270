// A `files:` tarball in the image: its verified bytes (tarball-source.ts) unpacked below dst
// (tarball-members.ts) into the FileTree of the files layer. Every member gets the entry's owner (default
// 0:0, as Docker's ADD; the archive's owners are not used) and keeps the archive's mode and mtime (clamped
// to the epoch when the layer is written); symlinks keep their targets as written, hard links stay hard
// links. dst is created like any parent directory (0755, 0:0) unless another entry (`dir:`) defines it.
import type { ContentEntry } from '../config/index.ts';
import type { TreeNode } from '../tar/index.ts';
import type { Owner } from './owner.ts';
import { type Member, tarballMembers } from './tarball-members.ts';
import { type TarballSourceContext, tarballBytes, tarballName } from './tarball-source.ts';

/** Where a tarball's members go. */
export interface TarballTarget {
  /** The normalised image directory (dst); '' for the root. */
  dir: string;
  owner: Owner;
  /** `file:line:col` of the entry, for collision messages. */
  origin: string;
  /** Adds a node at a normalised image path (a collision is reported at the entry). */
  add(path: string, node: TreeNode): void;
}

/** Adds entry `i` (a `tarball:` entry) of `files` to the tree through `to`. */
export async function addTarball(
  ctx: TarballSourceContext,
  entry: ContentEntry,
  i: number,
  to: TarballTarget,
): Promise<void> {
  const source = entry.tarball!;
  const bytes = await tarballBytes(ctx, i, source, entry.sha256!);
  const members = await tarballMembers(bytes, entry, { ctx, i, name: tarballName(source) });
  const under = (p: string) => (to.dir === '' ? p : `${to.dir}/${p}`);
  for (const m of members) to.add(under(m.path), memberNode(m, to, under));
}

function memberNode(m: Member, to: TarballTarget, under: (p: string) => string): TreeNode {
  const node: TreeNode = {
    type: m.type,
    mode: m.mode,
    ...to.owner,
    mtime: m.mtime,
    size: m.size,
    origin: to.origin,
  };
  if (m.type === 'symlink') node.linkTarget = m.linkTarget!;
  if (m.type === 'hardlink') node.linkTarget = under(m.linkTarget!);
  const data = m.data;
  if (data)
    node.content = async function* () {
      yield data;
    };
  return node;
}
