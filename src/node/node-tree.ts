// The runtime layer's files, as distroless lays them out (briefs/distroless.md §1.8): only
// /nodejs/bin/node (0755) and /nodejs/LICENSE (0644), root-owned — no npm, npx, corepack, headers or docs.
import { bytesEntry, FileTree, type TreeNode } from '../tar/index.ts';
import type { NodeBinary } from './node-release.ts';

export const NODE_BIN = '/nodejs/bin/node';

/**
 * The version of this layout: part of the key under which a layer cache finds the runtime layer without
 * laying it out again, so bump it with any change to the bytes it gives (test/layer/layout-versions.test.ts
 * pins them).
 */
export const NODE_LAYOUT_VERSION = 1;

export function nodeTree(bin: NodeBinary): FileTree {
  const tree = new FileTree();
  const root = { uid: 0, gid: 0, mtime: 0 };
  tree.add('nodejs', { type: 'dir', mode: 0o755, ...root, size: 0 });
  tree.add('nodejs/bin', { type: 'dir', mode: 0o755, ...root, size: 0 });
  const { size, content, file: kept } = bin.node;
  tree.add('nodejs/bin/node', {
    type: 'file',
    mode: 0o755,
    ...root,
    size,
    content,
    ...(kept ? { file: kept } : {}),
  });
  tree.add('nodejs/LICENSE', file(bin.license, 0o644));
  return tree;
}

function file(data: Buffer, mode: number): TreeNode {
  const { path: _, ...node } = bytesEntry('', data);
  return { ...node, mode };
}
