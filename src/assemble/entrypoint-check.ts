// Refuses images that cannot start: an absolute entrypoint (or cmd[0] without entrypoint) must exist in
// the image as an executable file, following symlinks inside the image. Relative names are PATH lookups
// and left to the runtime.

import { posix } from 'node:path';
import type { LoadedConfig } from '../config/index.ts';
import type { FileTree } from '../tar/index.ts';
import { fieldError } from './host-files.ts';

const MAX_LINKS = 40;

/** Throws a located error if the program the image starts is missing or not executable. */
export function checkEntrypoint(loaded: LoadedConfig, trees: readonly FileTree[]): void {
  const c = loaded.config;
  const field = c.entrypoint ? 'entrypoint' : 'cmd';
  const program = (c.entrypoint ?? c.cmd)?.[0];
  if (!program?.startsWith('/')) return;
  const problem = findProblem(program, trees);
  if (problem) throw fieldError(loaded, [field, 0], 'ENTRYPOINT_MISSING', problem);
}

function lookup(trees: readonly FileTree[], path: string) {
  for (let i = trees.length - 1; i >= 0; i--) {
    const n = trees[i]!.get(path);
    if (n) return n;
  }
  return undefined;
}

function findProblem(program: string, trees: readonly FileTree[]): string | undefined {
  let pending = normalise(program).split('/').filter(Boolean);
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    const path = [...resolved, part].join('/');
    const node = lookup(trees, path);
    if (!node) return `${program} is not in the image; add it under files (src + dst) or packages`;
    if (node.type === 'symlink') {
      if (++hops > MAX_LINKS) return `${program}: too many levels of symbolic links`;
      const target = node.linkTarget ?? '';
      // Restart from the link's target, relative to the link's directory unless absolute.
      pending = [
        ...normalise(target.startsWith('/') ? target : [...resolved, target].join('/'))
          .split('/')
          .filter(Boolean),
        ...pending,
      ];
      resolved = [];
      continue;
    }
    if (pending.length > 0) {
      if (node.type !== 'dir') return `${program}: /${path} is not a directory`;
      resolved.push(part);
      continue;
    }
    if (node.type !== 'file' && node.type !== 'hardlink')
      return `${program} is a ${node.type}, not a program`;
    if ((node.mode & 0o111) === 0)
      return `${program} is not executable (mode ${node.mode.toString(8).padStart(4, '0')}); set mode: "0755"`;
    return undefined;
  }
  return `${program} is a directory, not a program`;
}

/** The path without its leading slash, `.`, `..` and doubled slashes resolved lexically. */
function normalise(p: string): string {
  return posix.normalize(`/${p}`).slice(1).replace(/\/$/, '');
}
