// Whether an installed version is inside an OSV `affected` entry, by the OSV schema's evaluation rule:
// events sorted by version (`introduced: "0"` first), walked in order — introduced sets vulnerable, fixed
// and (above it) last_affected clear it — with `limit` capping the range and `versions` listing exact
// hits. Versions are ordered the way each ecosystem orders them: dpkg's algorithm for Debian (apt-repo's
// compareVersions), semver for npm, Go and SEMVER ranges (node-semver), PEP 440 for PyPI
// (@renovatebot/pep440), Maven's ComparableVersion for Maven (maven-version.ts). An ecosystem pith cannot
// order, or a version its rules reject, matches nothing.
import { compare as pep440Compare, valid as pep440Valid } from '@renovatebot/pep440';
import semver from 'semver';
import { compareVersions } from '../apt-repo/index.ts';
import { compareMavenVersions } from './maven-version.ts';
import type { OsvAffected, OsvEvent, OsvRange } from './osv-record.ts';

/** Orders two versions of one ecosystem; undefined when either is not a version there. */
export type VersionOrder = (a: string, b: string) => number | undefined;

const dpkg: VersionOrder = (a, b) => {
  try {
    return compareVersions(a, b);
  } catch {
    return undefined;
  }
};

const sem: VersionOrder = (a, b) => {
  const x = semver.parse(a.replace(/^v/, ''), { loose: true });
  const y = semver.parse(b.replace(/^v/, ''), { loose: true });
  return x && y ? semver.compare(x, y) : undefined;
};

const maven: VersionOrder = (a, b) => (a && b ? compareMavenVersions(a, b) : undefined);

const pep440: VersionOrder = (a, b) => (pep440Valid(a) && pep440Valid(b) ? pep440Compare(a, b) : undefined);

/** The ordering of an ecosystem (`Debian:12` → dpkg) for a range type, or undefined when pith has none. */
export function versionOrder(
  ecosystem: string,
  rangeType: OsvRange['type'] = 'ECOSYSTEM',
): VersionOrder | undefined {
  if (rangeType === 'SEMVER') return sem;
  const base = (ecosystem.split(':')[0] ?? '').toLowerCase();
  if (base === 'debian') return dpkg;
  if (base === 'npm' || base === 'go') return sem;
  if (base === 'pypi') return pep440;
  if (base === 'maven') return maven;
  return undefined;
}

/** The verdict on one installed version: affected or not, and the lowest fixed version above it. */
export interface OsvVerdict {
  affected: boolean;
  fixed?: string;
}

/** Evaluates `version` against every range and the explicit versions of an affected entry. */
export function evaluateAffected(version: string, affected: OsvAffected): OsvVerdict {
  let hit = affected.versions.includes(version);
  let fixed: string | undefined;
  for (const range of affected.ranges) {
    const order = versionOrder(affected.ecosystem, range.type);
    if (!order || order(version, version) === undefined) continue;
    if (!inRange(version, range.events, order)) continue;
    hit = true;
    const next = lowestFixedAbove(version, range.events, order);
    if (next !== undefined && (fixed === undefined || (order(next, fixed) ?? 0) < 0)) fixed = next;
  }
  return hit ? { affected: true, ...(fixed !== undefined ? { fixed } : {}) } : { affected: false };
}

function eventVersion(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
}

function inRange(v: string, events: OsvEvent[], order: VersionOrder): boolean {
  const sorted = events
    .filter((e) => e.limit === undefined)
    .filter((e) => e.introduced === '0' || order(eventVersion(e), eventVersion(e)) !== undefined)
    .sort((a, b) => {
      if (a.introduced === '0') return b.introduced === '0' ? 0 : -1;
      if (b.introduced === '0') return 1;
      return order(eventVersion(a), eventVersion(b)) ?? 0;
    });
  let vulnerable = false;
  for (const e of sorted) {
    if (e.introduced !== undefined) {
      if (e.introduced === '0' || (order(v, e.introduced) ?? -1) >= 0) vulnerable = true;
    } else if (e.fixed !== undefined) {
      if ((order(v, e.fixed) ?? -1) >= 0) vulnerable = false;
    } else if (e.last_affected !== undefined && (order(v, e.last_affected) ?? -1) > 0) vulnerable = false;
  }
  const limits = events.flatMap((e) => (e.limit === undefined ? [] : [e.limit]));
  if (vulnerable && limits.length && !limits.some((l) => l === '*' || (order(v, l) ?? 1) < 0)) return false;
  return vulnerable;
}

function lowestFixedAbove(v: string, events: OsvEvent[], order: VersionOrder): string | undefined {
  let best: string | undefined;
  for (const e of events) {
    if (e.fixed === undefined || (order(e.fixed, v) ?? -1) <= 0) continue;
    if (best === undefined || (order(e.fixed, best) ?? 0) < 0) best = e.fixed;
  }
  return best;
}
