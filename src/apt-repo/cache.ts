// A content-addressed download cache (XDG cache dir, `pith/sha256/<hex>`). Entries are written to a
// temporary name and renamed, so concurrent builds sharing the cache only ever see complete files, and
// are re-hashed on every read: a tampered or truncated cache entry is discarded, never used. Named entries
// (`pith/refs/<sha256 of the name>`, e.g. a suite's InRelease URL) point at content by its sha256, so the
// last verified copy of a mutable file can be found offline; whoever reads one verifies it again.
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sha256, writeFileAtomic } from '../util/index.ts';

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
    if (sha256Hex(bytes) === sha256) return bytes;
    await rm(this.#path(sha256), { force: true });
    return undefined;
  }

  /** Stores bytes whose sha256 the caller has already verified. */
  async put(sha256: string, bytes: Buffer): Promise<void> {
    await writeAtomic(join(this.dir, 'sha256'), sha256, bytes);
  }

  /** The bytes last stored under a name (undefined if none, or if the content is gone or corrupt). */
  async getNamed(name: string): Promise<Buffer | undefined> {
    const ref = await readFile(join(this.dir, 'refs', sha256Hex(name)), 'utf8').catch(() => undefined);
    return ref && /^[0-9a-f]{64}$/.test(ref) ? this.get(ref) : undefined;
  }

  /** Stores bytes and points a name at them, replacing what the name pointed at before. */
  async putNamed(name: string, bytes: Buffer): Promise<void> {
    const sha256 = sha256Hex(bytes);
    await this.put(sha256, bytes);
    await writeAtomic(join(this.dir, 'refs'), sha256Hex(name), Buffer.from(sha256));
  }
}

function sha256Hex(data: string | Buffer): string {
  return sha256(data).slice('sha256:'.length);
}

function writeAtomic(dir: string, name: string, bytes: Buffer): Promise<void> {
  return writeFileAtomic(join(dir, name), bytes);
}
