// Which project files stay out of an app layer: node_modules, .git and .npmrc at any depth always
// (dependencies come from the lock, never from the host; .npmrc holds registry tokens), and the patterns of .dockerignore and .pithignore in the project directory,
// read with Docker's own semantics (@balena/dockerignore is a port of moby's matcher: `*` stays in one
// directory, `**` crosses them, `!` re-includes, even below an excluded directory).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { messageOf, PithError } from '../util/index.ts';

export const IGNORE_FILES = ['.dockerignore', '.pithignore'] as const;
// at any depth, as npm-packlist leaves them out: host-built dependencies, repositories, npm credentials
const ALWAYS = ['**/node_modules', '**/.git', '**/.npmrc'];

// a CommonJS module whose export is the factory (its typings call it the default export)
const ignore = dockerignore as unknown as typeof dockerignore.default;

export interface IgnoreRules {
  /** Whether a path relative to the project (slash-separated) is left out. */
  ignores(rel: string): boolean;
  /** Whether an excluded directory may be skipped whole (no `!` pattern could re-include what is below). */
  prunable: boolean;
}

/** The rules of a project directory. */
export async function projectIgnores(dir: string, extra: readonly string[] = []): Promise<IgnoreRules> {
  const patterns = [...ALWAYS, ...extra];
  for (const name of IGNORE_FILES) {
    const text = await readFile(join(dir, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new PithError('input', 'BAD_IGNORE_FILE', `${join(dir, name)}: ${messageOf(err)}`, {
        cause: err,
      });
    });
    if (text !== undefined) patterns.push(...text.split(/\r?\n/));
  }
  // case-sensitive, as Docker matches on Linux (the package's default is to ignore case)
  const ig = ignore({ ignorecase: false }).add(patterns);
  return {
    ignores: (rel) => ig.ignores(rel),
    prunable: !patterns.some((p) => p.trim().startsWith('!')),
  };
}
