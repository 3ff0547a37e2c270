// An app's own files, as Docker would send its directory as a build context: everything but .git,
// node_modules, the patterns of .dockerignore / .pithignore (node/ignore-files.ts), pith's own lock and
// config, and what the app kind adds (its dependency directories, bytecode caches).
import { basename, dirname, resolve } from 'node:path';
import type { Arch, FieldPath, LoadedConfig } from '../config/index.ts';
import { fieldError, fieldSystemError } from '../config/index.ts';
import { projectIgnores } from '../node/index.ts';
import { FileTree } from '../tar/index.ts';
import { contextDir, resolveSource } from './build-context.ts';
import { HostWalk, type WalkOptions, type WalkSink } from './host-walk.ts';

/** The files of the app directory `project` (a real path in the context) under `dst`, owned by root. */
export async function appFilesTree(
  loaded: LoadedConfig,
  field: FieldPath,
  project: string,
  dst: string,
  arch: Arch,
  ignore: readonly string[] = [],
): Promise<FileTree> {
  const tree = new FileTree();
  const extra = [
    'pith.lock.json',
    // the config file, when it is a pith.yaml in the app (a bare Node.js project's config is its package.json)
    ...(/\.ya?ml$/.test(loaded.file) && dirname(resolve(loaded.file)) === project
      ? [basename(loaded.file)]
      : []),
    ...ignore,
  ];
  const exclude = await projectIgnores(project, extra);
  const { host, stats } = await resolveSource(
    { baseDir: loaded.baseDir, context: contextDir(loaded), where: loaded.where },
    project,
    field,
  );
  fieldWalk(loaded, field, (p, node) => tree.add(p, node), { arch, exclude }).directory(host, dst, stats);
  return tree;
}

/** A walk of host files owned by root in the image, whose problems are reported at the config's `field`. */
export function fieldWalk(
  loaded: LoadedConfig,
  field: FieldPath,
  add: WalkSink['add'],
  opts: Pick<WalkOptions, 'arch' | 'exclude'>,
): HostWalk {
  return new HostWalk(
    {
      add,
      fail: (code, why) => fieldError(loaded, field, code, why),
      systemError: (action, cause) => fieldSystemError(loaded, field, action, cause),
    },
    { owner: { uid: 0, gid: 0 }, mode: undefined, ...opts },
  );
}
