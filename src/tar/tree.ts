// FileTree: the in-memory root filesystem an image layer is built from (apko's FullFS analogue). Owns the
// path rules: one node per normalised path, parents are directories (created implicitly if missing),
// collisions are errors naming both origins, hardlinks point at files. entries() is the only way out and is
// deterministic: bytewise path order, each hardlink group carried by the member that sorts first.
import { PithError } from '../util/index.ts';
import type { TarEntry } from './entry.ts';
import { nameToBytes } from './name-bytes.ts';
import { normalizeImagePath } from './safe-path.ts';

/** A node of the tree: an entry without its path, plus where it came from (for error messages). */
export interface TreeNode extends Omit<TarEntry, 'path'> {
  /** Human text for errors, e.g. 'pith.yaml:12:7'. */
  origin?: string;
}

type Stored = TreeNode & { path: string; implicit: boolean };

/** The in-memory root filesystem of a layer. */
export class FileTree {
  private readonly nodes = new Map<string, Stored>();

  /**
   * Adds a node at a path (normalised; the root '' is refused with BAD_PATH). Missing parents are created
   * implicitly (dir 0o755, uid 0, gid 0, mtime = node.mtime). A dir over an implicit dir replaces its
   * attributes; a dir over an explicit dir with identical attributes is a no-op; any other collision is
   * DUPLICATE_PATH naming both origins. A non-directory parent is NOT_A_DIRECTORY. A hardlink's linkTarget
   * must be an existing 'file' node (else BAD_HARDLINK).
   */
  add(path: string, node: TreeNode): void {
    const p = normalizeImagePath(path);
    if (p === '')
      throw new PithError('input', 'BAD_PATH', `cannot add the root directory (${describe(node)})`);
    const missing = this.missingParents(p, node);
    const existing = this.nodes.get(p);
    if (existing && !this.mergeDir(existing, node)) throw duplicate(p, existing, node);
    if (existing) return;
    const stored: Stored = { ...node, path: p, implicit: false };
    if (node.type === 'hardlink') stored.linkTarget = this.hardlinkTarget(p, node);
    for (const dir of missing) {
      const origin = `implicit parent of ${p} (${describe(node)})`;
      this.nodes.set(dir, {
        path: dir,
        type: 'dir',
        mode: 0o755,
        uid: 0,
        gid: 0,
        mtime: node.mtime,
        size: 0,
        origin,
        implicit: true,
      });
    }
    this.nodes.set(p, stored);
  }

  /** The node at a path (any spelling), or undefined (also for the root and for paths outside it). */
  get(path: string): (TreeNode & { path: string; implicit: boolean }) | undefined {
    const p = tryNormalize(path);
    const n = p === undefined ? undefined : this.nodes.get(p);
    return n && { ...n };
  }

  /** True if a node exists at the path. */
  has(path: string): boolean {
    const p = tryNormalize(path);
    return p !== undefined && this.nodes.has(p);
  }

  /** Number of nodes (the root is not a node). */
  get size(): number {
    return this.nodes.size;
  }

  /**
   * All entries sorted bytewise by path (parents precede children). In each hardlink group the member
   * that sorts first carries the file (attributes and content) and the others are hardlinks to it.
   */
  entries(): TarEntry[] {
    const paths = sortBytewise([...this.nodes.keys()]);
    const leaders = this.hardlinkLeaders(paths);
    return paths.map((p) => {
      const n = this.nodes.get(p)!;
      if (n.type !== 'file' && n.type !== 'hardlink') return toEntry(p, n);
      const file = n.type === 'file' ? n : this.nodes.get(n.linkTarget!)!;
      const leader = leaders.get(file.path) ?? p;
      if (leader === p) return toEntry(p, file);
      return {
        path: p,
        type: 'hardlink',
        mode: file.mode,
        uid: file.uid,
        gid: file.gid,
        mtime: file.mtime,
        size: 0,
        linkTarget: leader,
      };
    });
  }

  /** For each file that has hardlinks: the group member that sorts first. */
  private hardlinkLeaders(sorted: string[]): Map<string, string> {
    const leaders = new Map<string, string>();
    for (const p of sorted) {
      const n = this.nodes.get(p)!;
      const file = n.type === 'hardlink' ? n.linkTarget! : n.type === 'file' ? p : undefined;
      if (file !== undefined && !leaders.has(file)) leaders.set(file, p);
    }
    return leaders;
  }

  /** Ancestors of `p` that do not exist yet (top-down); throws if an existing one is not a directory. */
  private missingParents(p: string, node: TreeNode): string[] {
    const missing: string[] = [];
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
      const dir = p.slice(0, i);
      const n = this.nodes.get(dir);
      if (!n) missing.push(dir);
      else if (n.type !== 'dir') {
        throw new PithError(
          'input',
          'NOT_A_DIRECTORY',
          `cannot add ${p} (${describe(node)}): its parent ${dir} is a ${n.type} (${describe(n)}), not a directory`,
          { details: { path: p, parent: dir } },
        );
      }
    }
    return missing;
  }

  /** Applies a dir onto an existing dir if the rules allow it; false means a collision. */
  private mergeDir(existing: Stored, node: TreeNode): boolean {
    if (node.type !== 'dir' || existing.type !== 'dir') return false;
    if (existing.implicit) {
      this.nodes.set(existing.path, { ...node, path: existing.path, implicit: false });
      return true;
    }
    return sameAttributes(existing, node);
  }

  private hardlinkTarget(p: string, node: TreeNode): string {
    const fail = (why: string, cause?: unknown) =>
      new PithError('input', 'BAD_HARDLINK', `hardlink ${p} (${describe(node)}): ${why}`, {
        cause,
        details: { path: p, linkTarget: node.linkTarget },
      });
    if (!node.linkTarget) throw fail('no link target');
    let target: string;
    try {
      target = normalizeImagePath(node.linkTarget);
    } catch (err) {
      throw fail(`bad link target ${JSON.stringify(node.linkTarget)}`, err);
    }
    const t = this.nodes.get(target);
    if (!t) throw fail(`target ${target} does not exist in the tree`);
    if (t.type !== 'file') throw fail(`target ${target} is a ${t.type}, not a regular file`);
    return target;
  }
}

function tryNormalize(path: string): string | undefined {
  try {
    return normalizeImagePath(path);
  } catch {
    return undefined;
  }
}

function describe(n: { origin?: string }): string {
  return n.origin ?? 'unknown origin';
}

function duplicate(p: string, existing: Stored, node: TreeNode): PithError {
  return new PithError(
    'input',
    'DUPLICATE_PATH',
    `duplicate path ${p}: ${node.type} from ${describe(node)} collides with ${existing.type} from ${describe(existing)}`,
    { details: { path: p, origins: [existing.origin, node.origin] } },
  );
}

function sameAttributes(a: TreeNode, b: TreeNode): boolean {
  if ((a.mode & 0o7777) !== (b.mode & 0o7777) || a.uid !== b.uid || a.gid !== b.gid || a.mtime !== b.mtime)
    return false;
  const ax = a.xattrs ?? new Map<string, Buffer>();
  const bx = b.xattrs ?? new Map<string, Buffer>();
  if (ax.size !== bx.size) return false;
  for (const [k, v] of ax) if (!bx.get(k)?.equals(v)) return false;
  return true;
}

/** Sorts paths by their bytes (JS string order is UTF-16 code units, which differs above U+FFFF). */
function sortBytewise(paths: string[]): string[] {
  return paths
    .map((p) => ({ p, b: nameToBytes(p) }))
    .sort((x, y) => Buffer.compare(x.b, y.b))
    .map((x) => x.p);
}

/** A plain TarEntry (no origin/implicit; optional fields only where set). */
function toEntry(path: string, n: TreeNode): TarEntry {
  const e: TarEntry = {
    path,
    type: n.type,
    mode: n.mode,
    uid: n.uid,
    gid: n.gid,
    mtime: n.mtime,
    size: n.type === 'file' ? n.size : 0,
  };
  if (n.linkTarget !== undefined && (n.type === 'symlink' || n.type === 'hardlink'))
    e.linkTarget = n.linkTarget;
  if (n.type === 'char' || n.type === 'block') {
    e.devMajor = n.devMajor ?? 0;
    e.devMinor = n.devMinor ?? 0;
  }
  if (n.xattrs && n.xattrs.size > 0) e.xattrs = n.xattrs;
  if (n.content && n.type === 'file') e.content = n.content;
  if (n.file !== undefined && n.type === 'file') e.file = n.file;
  return e;
}
