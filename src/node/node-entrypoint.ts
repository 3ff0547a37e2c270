// The command a Node.js app runs with, from its package.json, in exec form (no shell in the image):
// scripts.start when it is a plain `node [--flags] FILE [ARGS]` (what `npm start` runs; any other start
// script is refused rather than guessed around), else `main`, else a single `bin`, else server.js when
// present (npm start's default). Paths are made absolute under the app directory
// so the command does not depend on the working directory.
import { posix } from 'node:path';
import { PithError } from '../util/index.ts';

export interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  type?: string;
}

/**
 * The arguments after the node binary, or undefined when package.json names nothing pith can run without a
 * shell (a start script that is not a plain `node …` is not second-guessed with `main`).
 */
export function appCommand(
  pkg: PackageJson,
  appDir: string,
  exists: (rel: string) => boolean,
): string[] | undefined {
  const abs = (p: string) => posix.join(appDir, p);
  const start = pkg.scripts?.['start'];
  if (start !== undefined) {
    const parsed = plainNodeCommand(start);
    if (!parsed) return undefined;
    return [...parsed.flags, abs(parsed.file), ...parsed.args];
  }
  if (typeof pkg.main === 'string' && pkg.main) return [abs(pkg.main)];
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  if (bins.length === 1) return [abs(bins[0]!)];
  if (exists('server.js')) return [abs('server.js')];
  return undefined;
}

/**
 * `node [--flag[=value]…] FILE [ARGS]` as words, when it needs no shell (no quotes, $, |, &, ;, <, >, `)
 * and every flag before the file carries its value with `=` (a flag taking the next word, like -r x, is
 * ambiguous without node's option table).
 */
export function plainNodeCommand(
  script: string,
): { flags: string[]; file: string; args: string[] } | undefined {
  if (/["'`$|&;<>()\\*?]/.test(script)) return undefined;
  const words = script.trim().split(/\s+/);
  if (words[0] !== 'node') return undefined;
  const at = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
  if (at < 0) return undefined;
  const flags = words.slice(1, at);
  if (!flags.every((f) => /^--[a-z0-9-]+(=.+)?$/.test(f))) return undefined;
  return { flags, file: words[at]!, args: words.slice(at + 1) };
}

export function noEntrypoint(where: string): PithError {
  return new PithError(
    'input',
    'NO_ENTRYPOINT',
    `${where}: package.json's start script is not a plain "node [--flag=value…] FILE [ARGS]" (or there is no start script, main, single bin or server.js); set entrypoint in the config`,
  );
}
