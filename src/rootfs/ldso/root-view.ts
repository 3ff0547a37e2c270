// The image root ldconfig would run on: the union of the trees, later ones replacing earlier ones at the
// same path (like image layers; a non-directory replacing a directory removes everything below it).
// Paths are relative, '' is the root. Symlinks resolve inside the root like glibc's chroot_canon (`..`
// stops at the root, at most 40 links); file contents are read at most once.

import type { FileTree, TarEntry } from '../../tar/index.ts';
import { readAll } from '../../util/index.ts';
import { compareBytes } from './byte-strings.ts';

/** One node of the overlaid trees. */
export interface Node {
  type: TarEntry['type'];
  linkTarget?: string;
  read?: () => Promise<Buffer>;
}

/** The union of the trees, later ones replacing earlier ones at the same path (like image layers). */
export class RootView {
  private readonly nodes = new Map<string, Node>();
  private children?: Map<string, string[]>;
  private readonly contents = new Map<string, Promise<Buffer | undefined>>();

  constructor(trees: readonly FileTree[]) {
    for (const tree of trees) this.addTree(tree);
  }

  node(path: string): Node | undefined {
    return this.nodes.get(path);
  }

  /** Names in a directory, in byte order (our stand-in for readdir order). */
  list(dir: string): string[] {
    this.children ??= this.buildChildren();
    return this.children.get(dir) ?? [];
  }

  /** The content of a regular file (or hardlink), read once. */
  content(path: string): Promise<Buffer | undefined> {
    let c = this.contents.get(path);
    if (!c) {
      const read = this.nodes.get(path)?.read;
      c = read ? read() : Promise.resolve(undefined);
      this.contents.set(path, c);
    }
    return c;
  }

  /**
   * chroot_canon: the path with every symlink resolved inside the root ('' is the root; `..` stops at it).
   * A missing last component is allowed (`exists` false); a missing or non-directory inner one fails.
   */
  resolve(path: string): { path: string; exists: boolean } | undefined {
    const todo = path.split('/').reverse();
    const done: string[] = [];
    let links = 0;
    while (todo.length) {
      const c = todo.pop()!;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        done.pop();
        continue;
      }
      const p = done.length ? `${done.join('/')}/${c}` : c;
      const n = this.nodes.get(p);
      const last = !todo.some((t) => t !== '' && t !== '.');
      if (!n) return last ? { path: p, exists: false } : undefined;
      if (n.type === 'symlink') {
        if (++links > 40 || !n.linkTarget) return undefined; // ELOOP
        if (n.linkTarget.startsWith('/')) done.length = 0;
        todo.push(...n.linkTarget.split('/').reverse());
        continue;
      }
      if (!last && n.type !== 'dir') return undefined; // ENOTDIR
      done.push(c);
    }
    return { path: done.join('/'), exists: true };
  }

  /** stat(): the resolved node (following symlinks), or undefined. */
  stat(path: string): { path: string; node: Node | undefined } | undefined {
    const r = this.resolve(path);
    if (!r?.exists) return undefined;
    return { path: r.path, node: r.path === '' ? { type: 'dir' } : this.nodes.get(r.path) };
  }

  /** stat() of a regular file (or hardlink), or undefined for anything else. */
  statFile(path: string): { path: string; node: Node | undefined } | undefined {
    const st = this.stat(path);
    return st && (st.node?.type === 'file' || st.node?.type === 'hardlink') ? st : undefined;
  }

  private addTree(tree: FileTree): void {
    const entries = tree.entries();
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const e of entries) {
      const old = this.nodes.get(e.path);
      if (old?.type === 'dir' && e.type !== 'dir') this.removeBelow(e.path);
      const node: Node = { type: e.type };
      if (e.linkTarget !== undefined) node.linkTarget = e.linkTarget;
      const source = e.type === 'hardlink' ? byPath.get(e.linkTarget ?? '') : e;
      if ((e.type === 'file' || e.type === 'hardlink') && source) node.read = () => contentOf(source);
      this.nodes.set(e.path, node);
    }
  }

  private buildChildren(): Map<string, string[]> {
    const children = new Map<string, string[]>();
    for (const p of this.nodes.keys()) {
      const slash = p.lastIndexOf('/');
      const parent = slash < 0 ? '' : p.slice(0, slash);
      const names = children.get(parent) ?? [];
      if (names.length === 0) children.set(parent, names);
      names.push(p.slice(slash + 1));
    }
    for (const names of children.values()) names.sort(compareBytes);
    return children;
  }

  private removeBelow(path: string): void {
    const prefix = `${path}/`;
    for (const p of [...this.nodes.keys()]) if (p.startsWith(prefix)) this.nodes.delete(p);
  }
}

function contentOf(e: TarEntry): Promise<Buffer> {
  return e.content ? readAll(e.content()) : Promise.resolve(Buffer.alloc(0));
}
