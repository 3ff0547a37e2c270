// The `files:` tarballs in pith.lock.json: `pith lock` records each one (its place in `files`, its URL or
// path, sha256 and size, its bytes fetched or read and checked), and a --locked build refuses a config
// whose tarballs are not the ones the lock pins, naming the field, as it refuses changed packages.
import type { LoadedConfig } from '../config/index.ts';
import { fieldError } from '../config/index.ts';
import type { Lock, LockedTarball } from '../lockfile/index.ts';
import { PithError } from '../util/index.ts';
import { contextDir } from './build-context.ts';
import { type DownloadOptions, tarballBytes, tarballName } from './tarball-source.ts';

interface ConfigTarball {
  index: number;
  source: string;
  sha256: string;
}

function configTarballs(loaded: LoadedConfig): ConfigTarball[] {
  return (loaded.config.files ?? []).flatMap((f, index) =>
    f.tarball === undefined ? [] : [{ index, source: f.tarball, sha256: f.sha256! }],
  );
}

/** The lock entries of a config's tarballs, each one's bytes fetched (or read, or found in the cache) and checked. */
export async function lockedTarballs(
  loaded: LoadedConfig,
  download: DownloadOptions,
): Promise<LockedTarball[]> {
  const ctx = { baseDir: loaded.baseDir, context: contextDir(loaded), where: loaded.where, download };
  const out: LockedTarball[] = [];
  for (const t of configTarballs(loaded)) {
    const bytes = await tarballBytes(ctx, t.index, t.source, t.sha256);
    out.push({ ...t, size: bytes.length });
  }
  return out;
}

/** Refuses (LOCK_STALE) a config whose tarballs differ from the lock's: another sha256, one added or removed. */
export function checkLockedTarballs(loaded: LoadedConfig, lock: Lock, lockFile: string): void {
  const locked = lock.tarballs ?? [];
  const wanted = configTarballs(loaded);
  for (const t of wanted) {
    const pin =
      locked.find((l) => l.source === t.source && l.index === t.index) ??
      locked.find((l) => l.source === t.source);
    const name = tarballName(t.source);
    if (!pin)
      throw fieldError(
        loaded,
        ['files', t.index, 'tarball'],
        'LOCK_STALE',
        `${lockFile} pins no tarball ${name}; run pith lock again`,
      );
    if (pin.sha256 !== t.sha256)
      throw fieldError(
        loaded,
        ['files', t.index, 'sha256'],
        'LOCK_STALE',
        `is ${t.sha256}, but ${lockFile} pins ${pin.sha256} for ${name}; run pith lock again`,
      );
  }
  const gone = locked.find((l) => !wanted.some((t) => t.source === l.source));
  if (gone)
    throw new PithError(
      'input',
      'LOCK_STALE',
      `${lockFile}: pins the tarball ${tarballName(gone.source)} (files[${gone.index}]), which the config no longer has; run pith lock again`,
    );
}
