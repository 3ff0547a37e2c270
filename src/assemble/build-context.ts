// The build context, as Docker has one: the only host directory that `files` sources may come from. It is
// the config file's directory unless the config's `context:` (relative to the config file) names another,
// which is how a user opts in to sources such as ../shared. A `src` that resolves outside it — through
// `..`, an absolute path, or a symlink (the src itself or a directory on its way) — is refused naming the
// field, the resolved path and the context. A src symlink that stays inside is followed, as Docker does.
import type { Stats } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FieldPath, LoadedConfig } from '../config/index.ts';
import { fieldError, fieldSystemError } from '../config/index.ts';
import { fileTypeName } from '../util/index.ts';

export interface ContextOptions {
  /** Directory that relative `src` paths resolve against (the config file's). */
  baseDir: string;
  /** The build context (absolute); default: baseDir. */
  context?: string;
  where: (path: FieldPath) => string;
}

/** A source found inside the context: its real path (symlinks resolved, raw bytes) and what it is. */
export interface ResolvedSource {
  host: Buffer;
  stats: Stats;
}

/** The build context of a loaded config: `context:` relative to the config file, else its directory. */
export function contextDir(loaded: LoadedConfig): string {
  return resolve(loaded.baseDir, loaded.config.context ?? '.');
}

/** Resolves `src` (relative to baseDir) and refuses it unless its real path lies inside the context. */
export async function resolveSource(
  ctx: ContextOptions,
  src: string,
  field: FieldPath,
): Promise<ResolvedSource> {
  const context = await realContext(ctx);
  const path = resolve(ctx.baseDir, src);
  const host = await realpath(path, { encoding: 'buffer' }).catch((cause: unknown) => {
    throw fieldSystemError(ctx, field, `find ${path}`, cause);
  });
  if (!isInside(host, context)) {
    throw fieldError(
      ctx,
      field,
      'OUTSIDE_CONTEXT',
      `${await describeEscape(src, path, host)}, outside the build context ${context}; to allow it, set context: in the config to a directory that holds it`,
    );
  }
  const stats = await stat(host).catch((cause: unknown) => {
    throw fieldSystemError(ctx, field, `read ${host}`, cause);
  });
  return { host, stats };
}

/** The real path of the context directory; an error at `context` if it is missing or not a directory. */
async function realContext(ctx: ContextOptions): Promise<Buffer> {
  const dir = ctx.context ?? ctx.baseDir;
  const action = `find the build context ${dir}`;
  const real = await realpath(dir, { encoding: 'buffer' }).catch((cause: unknown) => {
    throw fieldSystemError(ctx, ['context'], action, cause);
  });
  const st = await stat(real).catch((cause: unknown) => {
    throw fieldSystemError(ctx, ['context'], action, cause);
  });
  if (!st.isDirectory())
    throw fieldError(ctx, ['context'], 'BAD_CONTEXT', `the build context ${dir} is ${fileTypeName(st)}`);
  return real;
}

/** How `src` got outside: "link is a symlink to /etc/shadow", "../x is /x", "/x" (absolute). */
async function describeEscape(src: string, path: string, host: Buffer): Promise<string> {
  if (await isSymlink(path)) return `${src} is a symlink to ${host}`;
  if (!host.equals(Buffer.from(path))) return `${src} resolves to ${host} (through a symlink)`;
  return src === path ? path : `${src} is ${path}`;
}

function isInside(path: Buffer, dir: Buffer): boolean {
  if (path.equals(dir)) return true;
  const prefix = dir.at(-1) === SLASH ? dir : Buffer.concat([dir, Buffer.of(SLASH)]);
  return path.length > prefix.length && path.subarray(0, prefix.length).equals(prefix);
}

const SLASH = 0x2f;

async function isSymlink(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isSymbolicLink() ?? false;
}
