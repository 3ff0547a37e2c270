// `pith mirror LOCK docker://HOST/REPO`: stores every .deb a lock pins in a registry repository (io's
// CacheRepo: each a blob under its own sha256, kept by a `deb-<sha256>` tag), so that a --locked build
// still has them after Debian drops superseded versions (the config's `mirror.registry` names it). Each
// .deb comes from the local cache or the mirror and is checked against the lock before it is sent; blobs
// already in the repository are not sent again. A few at a time, so memory holds only those.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DebianSession, fetchDebs, type PackageRecord } from '../apt-repo/index.ts';
import { DEFAULT_SUITE } from '../config/index.ts';
import { readLock } from '../lockfile/index.ts';
import { minedPackages, planFromLock } from '../rootfs/index.ts';
import { forEachBounded } from '../util/index.ts';
import { type ConfigRequest, lockPath, requestConfig } from './config-request.ts';
import type { Context } from './context.ts';
import { cacheRepoAt, GuardedRepo } from './shared-stores.ts';

export interface MirrorRequest extends ConfigRequest {
  /** The lock file (default: pith.lock.json beside the config). */
  lock?: string;
  /** The registry repository, `docker://HOST/REPO`. */
  output: string;
}

export interface MirrorReport {
  lock: string;
  output: string;
  /** Every .deb of the lock, once, with whether its blob was sent or already there. */
  packages: { name: string; version: string; architecture: string; sha256: string; how: string }[];
}

/** Packages sent at once. */
const AT_ONCE = 3;

export async function mirror(ctx: Context, req: MirrorRequest): Promise<MirrorReport> {
  const lockFile = req.lock ?? lockPath(req);
  const lock = await readLock(lockFile);
  const dest = cacheRepoAt(ctx, req.output, 'mirror to');
  // the mirror settings of the config beside the lock (else the host's apt sources) say where to download
  const besideLock = join(dirname(lockFile), 'pith.yaml');
  const config = req.config ?? (existsSync(besideLock) ? besideLock : {});
  const loaded = await requestConfig(ctx, { ...req, config });
  const c = loaded.config;
  const session = new DebianSession({
    suite: lock.suite ?? c.suite ?? DEFAULT_SUITE,
    ...(c.mirror ? { mirrors: c.mirror } : {}),
    cacheDir: ctx.settings.cacheDir,
    network: ctx.network(),
    onEvent: (e) => ctx.emit(e),
  });
  const records = new Map<string, PackageRecord>();
  for (const arch of Object.keys(lock.archs)) {
    const plan = await planFromLock(session, lock, arch);
    for (const p of [...plan.resolution.packages, ...minedPackages(plan)]) records.set(p.sha256, p);
  }
  const packages: MirrorReport['packages'] = [];
  const fetchOpts = {
    cache: session.cache,
    network: session.network,
    // a version the archive dropped may be in the repository already
    fallback: [new GuardedRepo(dest).packageStore(false)],
  };
  await forEachBounded(
    [...records.values()].sort((a, b) => (a.filename < b.filename ? -1 : 1)),
    AT_ONCE,
    async (p) => {
      const bytes = await (await fetchDebs([p], fetchOpts)).get(p.sha256)!();
      const how = await dest.keepDeb(p.sha256, bytes, p.filename.split('/').at(-1)!);
      ctx.emit({
        type: 'package',
        name: p.name,
        version: p.version,
        arch: p.architecture,
        fromCache: how !== 'uploaded',
      });
      packages.push({
        name: p.name,
        version: p.version,
        architecture: p.architecture,
        sha256: p.sha256,
        how,
      });
    },
    ctx.signal,
  );
  packages.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.architecture < b.architecture ? -1 : 1,
  );
  return { lock: lockFile, output: req.output, packages };
}
