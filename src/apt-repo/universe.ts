// The packages a resolver can choose from for one architecture: every version from every suite given
// (base, -updates, -security), each name's candidates sorted best first by dpkg version order (so the
// security and updates suites win by version, as apt's default pinning does), plus who Provides what.
import type { PackageRecord } from './package-record.ts';
import { parseProvides } from './relations.ts';
import { compareVersions } from './version.ts';

export interface Provider {
  pkg: PackageRecord;
  /** The provided version, when the Provides entry has one (`foo (= 1.0)`). */
  version?: string;
}

export interface Universe {
  readonly arch: string;
  /** name → candidates, best (highest version) first. */
  readonly byName: ReadonlyMap<string, readonly PackageRecord[]>;
  /** virtual name → providers (best candidates only), sorted by provider name. */
  readonly providers: ReadonlyMap<string, readonly Provider[]>;
}

/** Indexes package records of `arch` and `all` (other architectures are ignored). */
export function buildUniverse(records: Iterable<PackageRecord>, arch: string): Universe {
  const byName = new Map<string, PackageRecord[]>();
  for (const r of records) {
    if (r.architecture !== arch && r.architecture !== 'all') continue;
    const list = byName.get(r.name);
    if (!list) byName.set(r.name, [r]);
    else if (!list.some((x) => x.version === r.version)) list.push(r);
  }
  for (const list of byName.values()) list.sort((a, b) => compareVersions(b.version, a.version));
  const providers = new Map<string, Provider[]>();
  for (const [, list] of byName) {
    const best = list[0]!;
    if (!best.provides) continue;
    for (const p of parseProvides(best.provides, `${best.origin} ${best.name}`)) {
      const entry: Provider = p.version === undefined ? { pkg: best } : { pkg: best, version: p.version };
      const arr = providers.get(p.name);
      if (arr) arr.push(entry);
      else providers.set(p.name, [entry]);
    }
  }
  for (const arr of providers.values())
    arr.sort((a, b) => (a.pkg.name < b.pkg.name ? -1 : a.pkg.name > b.pkg.name ? 1 : 0));
  return { arch, byName, providers };
}
