// A content-addressed download cache (XDG cache dir, `pith/sha256/<hex>`). Entries are written to a
// temporary name and renamed, so concurrent builds sharing the cache only ever see complete files, and
// are re-hashed on every read: a tampered or truncated cache entry is discarded, never used.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The default cache directory: $XDG_CACHE_HOME/pith or ~/.cache/pith. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'pith');
}

export class ContentCache {
  readonly dir: string;

  constructor(dir: string = defaultCacheDir()) {
    this.dir = dir;
  }

  #path(sha256: string): string {
    return join(this.dir, 'sha256', sha256);
  }

  /** The cached bytes with this sha256, or undefined if absent or corrupt (corrupt entries are removed). */
  async get(sha256: string): Promise<Buffer | undefined> {
    const bytes = await readFile(this.#path(sha256)).catch(() => undefined);
    if (!bytes) return undefined;
    if (createHash('sha256').update(bytes).digest('hex') === sha256) return bytes;
    await rm(this.#path(sha256), { force: true });
    return undefined;
  }

  /** Stores bytes whose sha256 the caller has already verified. */
  async put(sha256: string, bytes: Buffer): Promise<void> {
    const dest = this.#path(sha256);
    await mkdir(join(this.dir, 'sha256'), { recursive: true });
    const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  }
}
