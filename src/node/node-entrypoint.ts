// The command a Node.js app runs with, from its package.json, in exec form (no shell in the image):
// scripts.start when it is a plain `node FILE [ARGS]` (what `npm start` runs), else `main`, else a single
// `bin`, else server.js when present (npm start's default). Paths are made absolute under the app directory
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

/** The arguments after the node binary, or undefined when package.json names nothing to run. */
export function appCommand(
  pkg: PackageJson,
  appDir: string,
  exists: (rel: string) => boolean,
): string[] | undefined {
  const abs = (p: string) => posix.join(appDir, p);
  const start = pkg.scripts?.['start'];
  const parsed = start ? plainNodeCommand(start) : undefined;
  if (parsed) return [abs(parsed[0]!), ...parsed.slice(1)];
  if (typeof pkg.main === 'string' && pkg.main) return [abs(pkg.main)];
  const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
  if (bins.length === 1) return [abs(bins[0]!)];
  if (!start && exists('server.js')) return [abs('server.js')];
  return undefined;
}

/** `node [--flag…] FILE [ARGS]` as words, when it needs no shell (no quotes, $, |, &, ;, <, >, `). */
export function plainNodeCommand(script: string): string[] | undefined {
  if (/["'`$|&;<>()\\*?]/.test(script)) return undefined;
  const words = script.trim().split(/\s+/);
  if (words[0] !== 'node' || words.length < 2) return undefined;
  const args = words.slice(1);
  const file = args.findIndex((a) => !a.startsWith('-'));
  if (file !== 0) return undefined; // node flags before the file: leave it to the user's entrypoint
  return args;
}

export function noEntrypoint(where: string): PithError {
  return new PithError(
    'input',
    'NO_ENTRYPOINT',
    `${where}: package.json has no start script of the form "node FILE", no main, no single bin and there is no server.js; set entrypoint in the config`,
  );
}
