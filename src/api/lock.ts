// `lock` and `why`: resolve a config's Debian packages for every architecture, write pith.lock.json beside
// the config (atomically), or explain which requirement pulled a package in.
import { makeLock } from '../assemble/index.ts';
import { formatLock, type Lock, type LockedPackage } from '../lockfile/index.ts';
import { PithError, writeFileAtomic } from '../util/index.ts';
import { type ConfigRequest, lockPath, requestConfig } from './config-request.ts';
import type { Context } from './context.ts';

export type LockRequest = ConfigRequest;

export interface LockReport {
  file: string;
  lock: Lock;
  /** e.g. a package pinned to a version the security suite has superseded. */
  warnings?: string[];
}

/** Resolves and writes the lock file. */
export async function lock(ctx: Context, req: LockRequest): Promise<LockReport> {
  const loaded = await requestConfig(ctx, req);
  const warnings: string[] = [];
  const result = await makeLock(loaded, {
    ...lockOptions(ctx),
    onEvent: (e) => {
      if (e.type === 'warning') warnings.push(e.message);
      ctx.emit(e);
    },
  });
  if (Object.keys(result.archs).length === 0 && !result.base && !result.node && !result.tarballs) {
    throw new PithError(
      'input',
      'NOTHING_TO_LOCK',
      `${typeof req.config === 'string' ? req.config : 'the preset'} installs no Debian packages, so there is nothing to lock`,
    );
  }
  const file = lockPath(req);
  await writeFileAtomic(file, Buffer.from(formatLock(result)), { signal: ctx.signal });
  return { file, lock: result, ...(warnings.length ? { warnings } : {}) };
}

export interface WhyRequest extends ConfigRequest {
  /** The Debian package to explain. */
  package: string;
}

export interface WhyReport {
  package: string;
  arch: string;
  version: string;
  /** From the package up to what was requested, e.g. ["libgcc-s1: Depends of libc6", "libc6: requested"]. */
  chain: { package: string; requiredBy?: string; relation: string }[];
}

/** Explains why a package is in the image of a config, per architecture. */
export async function why(ctx: Context, req: WhyRequest): Promise<WhyReport[]> {
  const loaded = await requestConfig(ctx, req);
  const result = await makeLock(loaded, { ...lockOptions(ctx), onEvent: (e) => ctx.emit(e) });
  const out: WhyReport[] = [];
  for (const [arch, pkgs] of Object.entries(result.archs)) {
    const hit = pkgs.find((p) => p.name === req.package);
    if (hit) out.push({ package: req.package, arch, version: hit.version, chain: chainOf(hit, pkgs) });
  }
  if (out.length === 0)
    throw new PithError(
      'input',
      'NOT_INSTALLED',
      `${req.package} is not installed by ${typeof req.config === 'string' ? req.config : 'this preset'}`,
    );
  return out;
}

/** From a package up the `requiredBy` links to what was requested (each package once). */
function chainOf(hit: LockedPackage, pkgs: readonly LockedPackage[]): WhyReport['chain'] {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const chain: WhyReport['chain'] = [];
  const seen = new Set<string>();
  for (let at: LockedPackage | undefined = hit; at && !seen.has(at.name); ) {
    seen.add(at.name);
    if (at.reason === 'depends') {
      chain.push({ package: at.name, requiredBy: at.requiredBy, relation: `Depends of ${at.requiredBy}` });
      at = byName.get(at.requiredBy);
    } else {
      const relation = at.reason === 'files' ? 'used for files (CA bundle or busybox)' : 'requested';
      chain.push({ package: at.name, relation });
      at = undefined;
    }
  }
  return chain;
}

function lockOptions(ctx: Context) {
  return {
    loadBase: ctx.loadBase,
    cacheDir: ctx.settings.cacheDir,
    offline: ctx.settings.offline,
    network: ctx.network(),
    env: ctx.env,
  };
}
