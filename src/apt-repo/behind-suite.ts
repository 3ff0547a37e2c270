// Whether a chosen package is older than a version another suite of the universe carries: a build that
// installs, through an explicit version constraint, a version the security suite has superseded must say so
// (it ships a known-vulnerable package). Compares by dpkg version order over the universe's candidates.
import type { PackageRecord } from './package-record.ts';
import type { Universe } from './universe.ts';
import { compareVersions } from './version.ts';

/** The highest candidate of `pkg.name` from `suite` (an origin `suite/component`) newer than `pkg`, if any. */
export function newerInSuite(u: Universe, pkg: PackageRecord, suite: string): PackageRecord | undefined {
  const inSuite = (u.byName.get(pkg.name) ?? []).find((c) => c.origin.startsWith(`${suite}/`));
  return inSuite && compareVersions(inSuite.version, pkg.version) > 0 ? inSuite : undefined;
}
