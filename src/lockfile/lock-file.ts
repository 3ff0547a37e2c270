// pith.lock.json: per architecture, every package's name, version, architecture, source, size, sha256 and
// pool path, plus the verified Release each suite was read from (its Date and the sha256 of its InRelease).
// A --locked build takes the packages from the lock (no index is read), fetches each pool path from the
// current mirror and checks its sha256, and refuses to build when the config no longer matches the lock.
// Mirror URLs are not recorded: a lock is meant to be committed and used against any mirror.
import { createHash } from 'node:crypto';
import type { PackageRecord, Release, SuiteRef } from '../apt-repo/index.ts';
import type { PithConfig } from '../config/index.ts';
import { DEFAULT_SUITE } from '../config/index.ts';
import { canonicalJson, isPithError, PithError, readUserFile } from '../util/index.ts';
import {
  type Lock,
  type LockedPackage,
  type LockedSuite,
  type LockReason,
  parseLock,
} from './lock-schema.ts';

/**
 * The config fields that decide which packages are installed, in a normal form: a preset given with
 * `--preset` (its list becomes exactPackages) and the same preset's text in a file (`resolve: false` with
 * packages) install the same set, so they give the same inputs hash.
 */
export function lockInputs(c: PithConfig): string {
  const exact =
    c.resolve === false ? [...(c.exactPackages ?? []), ...(c.packages ?? [])] : (c.exactPackages ?? []);
  const relevant = {
    suite: c.suite ?? DEFAULT_SUITE,
    components: c.components ?? ['main'],
    exactPackages: [...new Set(exact)].sort(),
    packages: c.resolve === false ? [] : [...new Set(c.packages ?? [])],
    exclude: [...new Set(c.exclude ?? [])].sort(),
    // the Java keystore is made from ca-certificates too: the same package either way
    caCertificates: c.caCertificates === true || c.javaCacerts === true,
    busybox: c.variant?.startsWith('debug') ?? false,
    archs: [...new Set(c.archs ?? [])],
    from: c.from ?? null,
    ...(c.resolveLibraries === false ? { resolveLibraries: false } : {}),
    ...(c.locale ? { locale: c.locale } : {}),
    // only when set, so that locks made before Node.js runtimes existed keep their inputs hash
    ...(c.node ? { node: { version: c.node.version ?? null, from: c.node.from ?? 'npm' } } : {}),
  };
  return `sha256:${createHash('sha256').update(canonicalJson(relevant)).digest('hex')}`;
}

export function lockedSuite(ref: SuiteRef, r: Release): LockedSuite {
  return {
    suite: ref.suite,
    date: r.date.toISOString(),
    ...(r.validUntil ? { validUntil: r.validUntil.toISOString() } : {}),
    inReleaseSha256: createHash('sha256').update(r.text).digest('hex'),
  };
}

function lockedPackage(p: PackageRecord, why: LockReason): LockedPackage {
  return {
    name: p.name,
    version: p.version,
    architecture: p.architecture,
    source: p.source,
    sourceVersion: p.sourceVersion,
    size: p.size,
    sha256: p.sha256,
    filename: p.filename,
    suite: p.origin.split('/')[0]!,
    ...why,
  };
}

/** Serialises a lock: canonical JSON, pretty-printed for review in diffs, packages sorted by name. */
export function formatLock(lock: Lock): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(lock)), null, 2)}\n`;
}

/** Reads and checks a lock file. */
export async function readLock(file: string): Promise<Lock> {
  const text = (
    await readUserFile(file, 64 << 20, 'lock file').catch((cause: unknown) => {
      if (isPithError(cause) && cause.code === 'ENOENT')
        throw new PithError('input', 'NO_LOCK', `${file}: no such file; run pith lock first`, { cause });
      throw cause;
    })
  ).toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new PithError('input', 'BAD_LOCK', `${file}: not valid JSON`, { cause, details: { file } });
  }
  return parseLock(data, file);
}

/** Refuses a lock that was made for another config. */
export function checkLockMatches(
  lock: Lock,
  config: PithConfig,
  file: string,
  archs: readonly string[],
): void {
  const inputs = lockInputs(config);
  if (lock.inputs !== inputs) {
    throw new PithError(
      'input',
      'LOCK_STALE',
      `${file}: the config's packages, suite, excludes, variant or archs changed since the lock was made; run pith lock again`,
    );
  }
  const missing = archs.filter((a) => !lock.archs[a]);
  if (missing.length)
    throw new PithError(
      'input',
      'LOCK_STALE',
      `${file}: has no packages for ${missing.join(', ')}; run pith lock again`,
    );
}

/** A locked package as a record to download from a mirror base URL (no index needed). */
export function lockedRecord(l: LockedPackage, base: string): PackageRecord {
  return {
    name: l.name,
    version: l.version,
    architecture: l.architecture,
    source: l.source,
    sourceVersion: l.sourceVersion,
    depends: '',
    preDepends: '',
    provides: '',
    multiArch: '',
    essential: false,
    priority: '',
    filename: l.filename,
    size: l.size,
    sha256: l.sha256,
    installedSize: 0,
    origin: `${l.suite}/main`,
    url: `${base.replace(/\/+$/, '')}/${l.filename}`,
    line: 0,
  };
}

/** The lock entries of a plan: installed packages with why, and packages only mined for files. */
export function lockedPackages(
  resolution: { packages: PackageRecord[]; reasons: ReadonlyMap<string, { requiredBy?: string }> },
  extra: PackageRecord[],
): LockedPackage[] {
  const why = (p: PackageRecord): LockReason => {
    const requiredBy = resolution.reasons.get(p.name)?.requiredBy;
    return requiredBy === undefined ? { reason: 'requested' } : { reason: 'depends', requiredBy };
  };
  return [
    ...resolution.packages.map((p) => lockedPackage(p, why(p))),
    ...extra.map((p) => lockedPackage(p, { reason: 'files' })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.reason === 'files' ? 1 : -1));
}
