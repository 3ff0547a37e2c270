// Adds the config's `files` entries to a FileTree: host files and directories (found inside the build
// context, build-context.ts; copied by host-walk.ts), directories, symlinks and tarballs (tarball-files.ts).
// Modes never come from the host umask (host-mode.ts) unless `mode` is given; collisions and bad image
// paths name the field.

import { basename, resolve } from 'node:path';
import type { Arch, ContentEntry, FieldPath } from '../config/index.ts';
import { fieldError, fieldSystemError } from '../config/index.ts';
import { type FileTree, normalizeImagePath, type TreeNode } from '../tar/index.ts';
import { isPithError } from '../util/index.ts';
import { resolveSource } from './build-context.ts';
import { HostWalk } from './host-walk.ts';
import { type Owner, parseOwner } from './owner.ts';
import { addTarball } from './tarball-files.ts';
import type { DownloadOptions } from './tarball-source.ts';

export { fieldError } from '../config/index.ts';

export interface FilesContext {
  tree: FileTree;
  /** Directory that relative `src` paths resolve against (the config file's). */
  baseDir: string;
  /** The build context (absolute): every `src` must resolve inside it. Default: baseDir. */
  context?: string;
  arch: Arch;
  where: (path: FieldPath) => string;
  /** How `tarball:` URLs are fetched (default: the XDG download cache, online). */
  download?: DownloadOptions | undefined;
}

/** Adds entry `i` of `files` to the tree. */
export async function addContentEntry(ctx: FilesContext, entry: ContentEntry, i: number): Promise<void> {
  const at = (key: string) => ['files', i, key] as const;
  const owner =
    entry.owner === undefined ? { uid: 0, gid: 0 } : wrap(ctx, at('owner'), () => parseOwner(entry.owner!));
  const mode = entry.mode === undefined ? undefined : Number.parseInt(entry.mode.replace(/^0o/, ''), 8);
  if (entry.src !== undefined) return addSource(ctx, entry.src, entry.dst!, { owner, mode, i });
  if (entry.tarball !== undefined) {
    const dir = wrap(ctx, at('dst'), () => normalizeImagePath(entry.dst!));
    const add = (p: string, node: TreeNode) => addNode(ctx, p, node, at('tarball'));
    return addTarball(ctx, entry, i, { dir, owner, origin: ctx.where(at('tarball')), add });
  }
  const origin = ctx.where(at(entry.dir !== undefined ? 'dir' : 'symlink'));
  const path = imagePath(ctx, at(entry.dir !== undefined ? 'dir' : 'symlink'), entry.dir ?? entry.symlink!);
  const node: TreeNode =
    entry.dir !== undefined
      ? { type: 'dir', mode: mode ?? 0o755, ...owner, mtime: 0, size: 0, origin }
      : { type: 'symlink', mode: 0o777, ...owner, mtime: 0, size: 0, linkTarget: entry.target!, origin };
  addNode(ctx, path, node, at(entry.dir !== undefined ? 'dir' : 'symlink'));
}

interface SourceOptions {
  owner: Owner;
  mode: number | undefined;
  i: number;
}

async function addSource(ctx: FilesContext, src: string, dst: string, opts: SourceOptions): Promise<void> {
  const srcField = ['files', opts.i, 'src'] as const;
  const dstField = ['files', opts.i, 'dst'] as const;
  const expanded = src.replaceAll('{arch}', ctx.arch);
  const { host, stats } = await resolveSource(ctx, expanded, srcField);
  const isDir = stats.isDirectory();
  const base = isDir || !dst.endsWith('/') ? dst : `${dst}${basename(resolve(ctx.baseDir, expanded))}`;
  const path = imagePath(ctx, dstField, base);
  const origin = ctx.where(dstField);
  const walk = new HostWalk(
    {
      add: (p, node) => addNode(ctx, p, { ...node, origin }, dstField),
      fail: (code, why) => fieldError(ctx, srcField, code, why),
      systemError: (action, cause) => fieldSystemError(ctx, srcField, action, cause),
    },
    { owner: opts.owner, mode: opts.mode, arch: ctx.arch },
  );
  if (isDir) walk.directory(host, path, stats);
  else walk.file(host, path, stats);
}

function addNode(ctx: FilesContext, path: string, node: TreeNode, field: FieldPath): void {
  try {
    ctx.tree.add(path, node);
  } catch (err) {
    if (!isPithError(err)) throw err;
    const other = ctx.tree.get(path)?.origin;
    const why =
      err.code === 'DUPLICATE_PATH' && other ? `/${path} is already added by ${other}` : err.message;
    throw fieldError(ctx, field, err.code, why, err);
  }
}

function imagePath(ctx: FilesContext, field: FieldPath, p: string): string {
  const path = wrap(ctx, field, () => normalizeImagePath(p));
  if (path === '') throw fieldError(ctx, field, 'BAD_PATH', 'cannot replace the image root /');
  return path;
}

function wrap<T>(ctx: FilesContext, field: FieldPath, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isPithError(err)) throw fieldError(ctx, field, err.code, err.message, err);
    throw err;
  }
}
