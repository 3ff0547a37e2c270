// Files laid over the layers below as extraction would lay them: a path whose directory is a symlink in a
// lower layer (merged /usr: /bin → usr/bin, /lib → usr/lib, …) is written through that link, as GNU tar
// follows an existing directory symlink. Left as it is, the layer's directory entry would replace the
// symlink when applied (image-spec layer.md: an entry replaces what was at its path), and /bin would lose
// everything but the new files. An explicit `dir:` of the config keeps its path: that is asked for.
import { posix } from 'node:path';
import { FileTree, type TarEntry } from '../tar/index.ts';
import { PithError } from '../util/index.ts';

const MAX_HOPS = 40;

/** `tree` with every path resolved through the symlinks `lower` holds (the last tree wins), or `tree` itself. */
export function throughLowerLinks(tree: FileTree, lower: readonly FileTree[]): FileTree {
  const linkAt = (p: string) => {
    for (let i = lower.length - 1; i >= 0; i--) {
      const n = lower[i]!.get(p);
      if (n) return n.type === 'symlink' ? n.linkTarget : undefined;
    }
    return undefined;
  };
  const entries = tree.entries();
  const moved = new Map<string, string>();
  for (const e of entries) moved.set(e.path, resolveDirs(e.path, tree, linkAt));
  if ([...moved].every(([from, to]) => from === to)) return tree;
  const out = new FileTree();
  for (const e of entries) {
    const to = moved.get(e.path)!;
    const node = tree.get(e.path)!;
    // an implicit parent that is a lower symlink (or lands on one) is not written: the link stays
    if (node.type === 'dir' && node.implicit && linkAt(to) !== undefined) continue;
    const { path: _, ...rest } = withTarget(e, moved);
    if (node.type === 'dir' && out.get(to)?.type === 'dir') continue;
    out.add(to, rest);
  }
  return out;
}

function withTarget(e: TarEntry, moved: ReadonlyMap<string, string>): TarEntry {
  return e.type === 'hardlink' && e.linkTarget
    ? { ...e, linkTarget: moved.get(e.linkTarget) ?? e.linkTarget }
    : e;
}

/** The path with each directory component followed through lower symlinks (not the last component). */
function resolveDirs(path: string, tree: FileTree, linkAt: (p: string) => string | undefined): string {
  let pending = path.split('/');
  const last = pending.pop()!;
  let done: string[] = [];
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift()!;
    const here = [...done, part].join('/');
    const own = tree.get(here);
    const target = own && !own.implicit ? undefined : linkAt(here);
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++hops > MAX_HOPS)
      throw new PithError('input', 'NOT_A_DIRECTORY', `/${path}: too many levels of symbolic links below it`);
    const joined = target.startsWith('/') ? target : [...done, target].join('/');
    pending = [...posix.normalize(`/${joined}`).split('/').filter(Boolean), ...pending];
    done = [];
  }
  return [...done, last].join('/');
}
