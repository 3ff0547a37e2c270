// `lock` and `why`: resolve a config's Debian packages for every architecture, write pith.lock.json beside
// the config (atomically), or explain which requirement pulled a package in.
import { dirname, join } from 'node:path';
import { makeLock } from '../assemble/index.ts';
import { writeFileAtomic } from '../io/index.ts';
import { formatLock, type Lock } from '../lockfile/index.ts';
import { PithError } from '../util/index.ts';
import { type BuildRequest, loadBase, requestConfig } from './build.ts';

export type LockRequest = Omit<BuildRequest, 'output' | 'compression' | 'level' | 'epoch' | 'locked'>;

export interface LockReport {
  file: string;
  lock: Lock;
  /** e.g. a package pinned to a version the security suite has superseded. */
  warnings?: string[];
}

/** The lock file that belongs to a config: pith.lock.json in its directory (or the current one). */
export function lockPath(config: string | undefined): string {
  return join(config ? dirname(config) : process.cwd(), 'pith.lock.json');
}

/** Resolves and writes the lock file. */
export async function lock(req: LockRequest): Promise<LockReport> {
  const loaded = await requestConfig({ ...req, output: '' });
  const warnings: string[] = [];
  const result = await makeLock(loaded, {
    ...pick(req),
    loadBase,
    onWarning: (w) => {
      warnings.push(w);
      req.onWarning?.(w);
    },
  });
  if (Object.keys(result.archs).length === 0 && !result.base) {
    throw new PithError(
      'input',
      'NOTHING_TO_LOCK',
      `${req.config ?? 'the preset'} installs no Debian packages, so there is nothing to lock`,
    );
  }
  const file = lockPath(req.config);
  await writeFileAtomic(file, Buffer.from(formatLock(result)));
  return { file, lock: result, ...(warnings.length ? { warnings } : {}) };
}

export interface WhyReport {
  package: string;
  arch: string;
  version: string;
  /** From the package up to what was requested, e.g. ["libgcc-s1: Depends of libc6", "libc6: requested"]. */
  chain: { package: string; requiredBy?: string; relation: string }[];
}

/** Explains why a package is in the image of a config, per architecture. */
export async function why(req: LockRequest, pkg: string): Promise<WhyReport[]> {
  const loaded = await requestConfig({ ...req, output: '' });
  const result = await makeLock(loaded, { ...pick(req), loadBase });
  const out: WhyReport[] = [];
  for (const [arch, pkgs] of Object.entries(result.archs)) {
    const byName = new Map(pkgs.map((p) => [p.name, p]));
    const hit = byName.get(pkg);
    if (!hit) continue;
    const chain: WhyReport['chain'] = [];
    const seen = new Set<string>();
    for (let at: typeof hit | undefined = hit; at && !seen.has(at.name); at = byName.get(at.requiredBy)) {
      seen.add(at.name);
      chain.push({
        package: at.name,
        ...(at.requiredBy !== 'requested' && at.requiredBy !== 'files' ? { requiredBy: at.requiredBy } : {}),
        relation:
          at.requiredBy === 'files'
            ? 'used for files (CA bundle or busybox)'
            : at.requiredBy === 'requested'
              ? 'requested'
              : `Depends of ${at.requiredBy}`,
      });
    }
    out.push({ package: pkg, arch, version: hit.version, chain });
  }
  if (out.length === 0)
    throw new PithError(
      'input',
      'NOT_INSTALLED',
      `${pkg} is not installed by ${req.config ?? 'this preset'}`,
    );
  return out;
}

function pick(req: LockRequest) {
  return {
    ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}),
    ...(req.offline ? { offline: true } : {}),
    ...(req.onStep ? { onStep: req.onStep } : {}),
  };
}
