// One Debian package as a file tree, the way a distroless layer holds it: data.tar entries with their
// owners and modes (never extracted to disk, never a maintainer script), merged-/usr paths on suites that
// need them (distroless rewrites ./bin ./sbin ./lib* into ./usr and drops those directory entries so they
// cannot replace base-files' symlinks), documentation dropped except copyright files unless kept, and the
// scanner metadata distroless writes: var/lib/dpkg/status.d/<pkg> and <pkg>.md5sums.

import type { PackageRecord } from '../apt-repo/index.ts';
import type { DebContents } from '../deb-archive/index.ts';
import { FileTree, type ReadEntry, spanContent, type TreeNode } from '../tar/index.ts';

/**
 * The version of how a .deb becomes a layer (this file, c-utf8-locale.ts): part of the key under which a
 * layer cache finds a package's layer without laying it out again, so bump it with any change to the bytes
 * they give (test/layer/layout-versions.test.ts pins them, and fails until it is bumped).
 */
export const DEB_LAYOUT_VERSION = 1;

export interface DebTreeOptions {
  mergedUsr: boolean;
  keepDocs: boolean;
}

export interface DebTree {
  tree: FileTree;
  /** Bytes of file content left out (documentation). */
  droppedBytes: number;
  droppedFiles: number;
}

const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
const DOC_DIRS = [
  'usr/share/doc/',
  'usr/share/man/',
  'usr/share/info/',
  'usr/share/lintian/',
  'usr/share/doc-base/',
  'usr/share/gtk-doc/',
];

/** The tree of a package's files plus its status.d entries. */
export function debTree(pkg: PackageRecord, deb: DebContents, opts: DebTreeOptions): DebTree {
  const tree = new FileTree();
  let droppedBytes = 0;
  let droppedFiles = 0;
  for (const e of deb.entries) {
    if (e.path === '' || (opts.mergedUsr && MERGED.includes(e.path) && e.type === 'dir')) continue;
    const path = opts.mergedUsr ? mergeUsr(e.path) : e.path;
    if (!opts.keepDocs && isDoc(path, e)) {
      droppedBytes += e.size;
      droppedFiles += 1;
      continue;
    }
    tree.add(path, node(e, opts.mergedUsr));
  }
  addStatus(tree, pkg, deb);
  return { tree, droppedBytes, droppedFiles };
}

/** `bin/x` → `usr/bin/x` (and lib*, sbin), as the merged-/usr layout resolves them. */
export function mergeUsr(path: string): string {
  const slash = path.indexOf('/');
  if (slash < 0) return path; // `bin` itself: base-files' symlink (dirs of that name are dropped)
  return MERGED.includes(path.slice(0, slash)) ? `usr/${path}` : path;
}

/** Documentation that is dropped by default; copyright files and symlinks (tiny, often to them) stay. */
function isDoc(path: string, e: ReadEntry): boolean {
  if (e.type === 'dir' || e.type === 'symlink') return false;
  if (!DOC_DIRS.some((d) => path.startsWith(d))) return false;
  return !(path.startsWith('usr/share/doc/') && path.endsWith('/copyright'));
}

function node(e: ReadEntry, mergedUsr: boolean): TreeNode {
  const n: TreeNode = { type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, size: e.size };
  if (e.linkTarget !== undefined)
    n.linkTarget = e.type === 'hardlink' && mergedUsr ? mergeUsr(e.linkTarget) : e.linkTarget;
  if (e.devMajor !== undefined) n.devMajor = e.devMajor;
  if (e.devMinor !== undefined) n.devMinor = e.devMinor;
  if (e.xattrs?.size) n.xattrs = e.xattrs;
  if (e.type === 'file') {
    // data kept in the cache file is streamed from there when the layer is written, never held
    const { span, size } = e;
    const data = span ? undefined : e.data;
    n.content = span
      ? () => spanContent(span, size)
      : async function* () {
          yield data!;
        };
  }
  return n;
}

/** Adds distroless's scanner metadata for a package: status.d/<pkg> (the control file) and <pkg>.md5sums. */
export function addStatus(tree: FileTree, pkg: PackageRecord, deb: DebContents): void {
  const dir = 'var/lib/dpkg/status.d';
  const control = deb.control.control.endsWith('\n') ? deb.control.control : `${deb.control.control}\n`;
  tree.add(`${dir}/${pkg.name}`, textNode(control));
  if (deb.control.md5sums.size) {
    const lines = [...deb.control.md5sums].map(([path, md5]) => `${md5}  ${path}\n`).join('');
    tree.add(`${dir}/${pkg.name}.md5sums`, textNode(lines));
  }
}

/** A root-owned file (0644 by default) with the given bytes. */
export function bytesNode(bytes: Buffer, mode = 0o644, mtime = 0): TreeNode {
  return {
    type: 'file',
    mode,
    uid: 0,
    gid: 0,
    mtime,
    size: bytes.length,
    content: async function* () {
      yield bytes;
    },
  };
}

/** A root-owned file (0644 by default) with the given text. */
export function textNode(text: string, mode = 0o644, mtime = 0): TreeNode {
  return bytesNode(Buffer.from(text), mode, mtime);
}
