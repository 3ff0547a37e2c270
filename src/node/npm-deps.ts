// The production dependencies layer of a Node.js app: every package of the lock's production install,
// fetched (at most 8 at a time), checked against its lock integrity, and unpacked under DST/node_modules
// as npm would — without running any install script. Files and directories only (npm drops links from
// package tarballs too); modes normalised as npm does (0644, or 0755 where any execute bit is set; bin
// targets 0755); root-owned; node_modules/.bin links for each package's bins, beside it.
import { posix } from 'node:path';
import { FileTree, symlinkEntry, type TreeNode } from '../tar/index.ts';
import { forEachBounded, PithError } from '../util/index.ts';
import { type NpmFetch, npmRegistry, npmTarball } from './npm-registry.ts';
import type { LockPackage } from './package-lock.ts';
import { tgzEntries } from './tarball.ts';

export interface DepsTreeOptions extends NpmFetch {
  /** The app directory in the image (no leading slash), e.g. app. */
  dst: string;
  /** Where npm's config is read, for packages the lock gives no URL for. */
  cwd: string;
  signal?: AbortSignal;
}

/** The tree of node_modules for the packages given (in lock order, so the result is deterministic). */
export async function npmDepsTree(pkgs: readonly LockPackage[], opts: DepsTreeOptions): Promise<FileTree> {
  const bytes = new Map<string, Buffer>();
  await forEachBounded(
    pkgs,
    8,
    async (p) => {
      const url =
        p.resolved ?? (async () => registryTarball(await npmRegistry(opts.cwd, opts.env), p.name, p.version));
      bytes.set(p.path, await npmTarball(url, p.integrity, `${p.name}@${p.version} (${p.path})`, opts));
    },
    opts.signal,
  );
  const tree = new FileTree();
  const budget = { left: MAX_DEPENDENCY_BYTES };
  for (const p of pkgs) await addPackage(tree, p, bytes.get(p.path)!, opts.dst, budget);
  for (const p of pkgs) addBins(tree, p, opts.dst);
  return tree;
}

/** Where a registry keeps a version's tarball: REGISTRY/NAME/-/BASENAME-VERSION.tgz. */
export function registryTarball(registry: string, name: string, version: string): string {
  return `${registry}${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
}

/** The dependencies' files, all packages together, are held in memory up to this many bytes. */
export const MAX_DEPENDENCY_BYTES = 4 * 2 ** 30;

async function addPackage(
  tree: FileTree,
  p: LockPackage,
  tgz: Buffer,
  dst: string,
  budget: { left: number },
): Promise<void> {
  const what = `${p.name}@${p.version}`;
  const root = posix.join(dst, p.path);
  const bins = new Set(Object.values(p.bin ?? {}).map((b) => posix.normalize(b).replace(/^\.\//, '')));
  const members = new Map<string, TreeNode>();
  for await (const e of tgzEntries(tgz, what)) {
    if ((e.type !== 'file' && e.type !== 'dir') || e.inner === '') continue;
    if (e.inner.split('/').includes('..'))
      throw new PithError('invalid', 'NPM_PACKAGE_INVALID', `${what}: member ${e.path} escapes the package`);
    if (e.type === 'dir') {
      if (!members.has(e.inner)) members.set(e.inner, dir());
      continue;
    }
    const data = e.data;
    budget.left -= data.length;
    if (budget.left < 0)
      throw new PithError(
        'invalid',
        'NPM_PACKAGE_INVALID',
        `${what}: the dependencies unpack to more than 4 GiB`,
      );
    const exec = (e.mode & 0o111) !== 0 || bins.has(e.inner);
    // a tarball may list a file twice; the last one wins, as when npm unpacks it
    members.set(e.inner, {
      type: 'file',
      mode: exec ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      size: data.length,
      origin: what,
      content: async function* () {
        yield data;
      },
    });
  }
  tree.add(root, dir());
  for (const [inner, node] of members) tree.add(`${root}/${inner}`, node);
}

/** node_modules/.bin/NAME → ../PKG/BIN, in the node_modules directory that holds the package. */
function addBins(tree: FileTree, p: LockPackage, dst: string): void {
  const at = p.path.lastIndexOf('node_modules/') + 'node_modules/'.length;
  const holder = p.path.slice(0, at - 1);
  const rel = p.path.slice(at);
  for (const [name, target] of Object.entries(p.bin ?? {})) {
    if (!/^[^/\0]+$/.test(name) || name === '.' || name === '..') continue;
    const link = posix.join(dst, holder, '.bin', name);
    if (tree.get(link)) continue; // another package's bin of the same name came first
    if (tree.get(posix.join(dst, p.path, target))?.type !== 'file') continue; // npm links no missing target
    const { path: _, ...node } = symlinkEntry(link, posix.join('..', rel, posix.normalize(target)));
    tree.add(link, node);
  }
}

function dir(): TreeNode {
  return { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 };
}
