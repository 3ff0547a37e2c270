// Matching installed packages against loaded feeds. Debian packages are matched by their SOURCE package
// and source version (epoch included), with dpkg's ordering, in the image's release, as trivy and grype do
// (`../shared/briefs/analyzers.md` §3.2–3.3): the tracker's per-release states become finding states —
// resolved with a fixed version above the installed one: fixed (and the suite carrying the fix);
// resolved "0": never affected; open: affected, or will_not_fix (no-DSA, ignored), fix_deferred
// (postponed), end_of_life (urgency end-of-life); undetermined: skipped. OSV records match Debian (by
// `Debian:<version>`), npm, PyPI, Go (the toolchain as `stdlib`) and Maven (`group:artifact`) packages by
// their ranges. One vulnerability found by two feeds (the
// tracker's CVE and OSV's DEBIAN-CVE or DSA naming it) is reported once, the first feed's word kept.

import { compareVersions } from '../apt-repo/index.ts';
import { compareText } from '../util/index.ts';
import type { DebianRelease } from './debian-releases.ts';
import type { FeedSet, OsvHit } from './feed-set.ts';
import { evaluateAffected } from './osv-affected.ts';
import { cvssScore, severityFromLabel, severityFromScore, severityFromUrgency } from './severity.ts';
import type { TrackerRelease } from './tracker-feed.ts';
import {
  compareSeverity,
  type Finding,
  type FindingPackage,
  type FindingState,
  type Severity,
} from './types.ts';

/** An installed package as a scan sees it. */
export interface ScanPackage extends FindingPackage {
  type: 'deb' | 'npm' | 'pypi' | string;
}

/** OSV's ecosystem for a language package's purl type. */
const OSV_ECOSYSTEM: Record<string, string | undefined> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
};

/** Findings for every package, sorted worst first (then package, then id). */
export function matchPackages(
  feeds: FeedSet,
  packages: readonly ScanPackage[],
  release: DebianRelease | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const pkg of packages) {
    const found = new FindingsOf(pkg);
    if (pkg.type === 'deb' && release) {
      for (const f of trackerFindings(feeds, pkg, release)) found.add(f);
      for (const hit of feeds.osvFor('Debian', pkg.source?.name ?? pkg.name))
        if (debianReleaseMatches(hit.affected.ecosystem, release))
          found.addOsv(hit, pkg.source?.version ?? pkg.version);
    } else if (OSV_ECOSYSTEM[pkg.type]) {
      for (const hit of feeds.osvFor(OSV_ECOSYSTEM[pkg.type] as string, pkg.name))
        found.addOsv(hit, pkg.version);
    }
    out.push(...found.list);
  }
  return out.sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      compareText(a.package.name, b.package.name) ||
      compareText(a.package.version, b.package.version) ||
      compareText(a.id, b.id),
  );
}

/** The findings of one package, one per vulnerability. */
class FindingsOf {
  readonly list: Finding[] = [];
  readonly #pkg: ScanPackage;
  constructor(pkg: ScanPackage) {
    this.#pkg = pkg;
  }

  add(f: Finding): void {
    const names = new Set([f.id, ...f.aliases]);
    const same = this.list.find((g) => names.has(g.id) || g.aliases.some((a) => names.has(a)));
    if (!same) {
      this.list.push(f);
      return;
    }
    same.aliases = [...new Set([...same.aliases, ...names])].filter((a) => a !== same.id).sort();
  }

  addOsv(hit: OsvHit, installed: string): void {
    const verdict = evaluateAffected(installed, hit.affected);
    if (!verdict.affected) return;
    const { record } = hit;
    const { id, aliases } = preferCve(record.id, record.aliases);
    const severity = osvSeverity(hit);
    const f: Finding = {
      id,
      aliases,
      package: packageOf(this.#pkg),
      state: verdict.fixed ? 'fixed' : 'affected',
      ...(verdict.fixed ? { fixedVersion: verdict.fixed } : {}),
      severity: severity.severity,
      ...(severity.source ? { severitySource: severity.source } : {}),
      ...(severity.score !== undefined ? { cvssScore: severity.score } : {}),
      ...(record.summary ? { title: record.summary } : {}),
      feed: hit.feed,
      ...(record.references.length ? { references: record.references } : {}),
    };
    this.add(f);
  }
}

function trackerFindings(feeds: FeedSet, pkg: ScanPackage, release: DebianRelease): Finding[] {
  const out: Finding[] = [];
  const source = pkg.source ?? { name: pkg.name, version: pkg.version };
  for (const feed of feeds.trackers) {
    for (const issue of feed.bySource.get(source.name) ?? []) {
      const rel = issue.releases[release.codename];
      if (!rel) continue;
      const verdict = trackerVerdict(rel, source.version, release.codename);
      if (!verdict) continue;
      out.push({
        id: issue.id,
        aliases: [],
        package: packageOf(pkg),
        ...verdict,
        severity: severityFromUrgency(rel.urgency),
        ...(rel.urgency ? { severitySource: rel.urgency } : {}),
        ...(issue.description ? { title: issue.description } : {}),
        feed: feed.name,
        references: [`https://security-tracker.debian.org/tracker/${issue.id}`],
      });
    }
  }
  return out;
}

type Verdict = { state: FindingState; fixedVersion?: string; fixedIn?: string; note?: string };

/** The tracker's word on one release as a finding state, or undefined when the version is not affected. */
export function trackerVerdict(
  rel: TrackerRelease,
  installed: string,
  codename: string,
): Verdict | undefined {
  if (rel.status === 'undetermined') return undefined;
  if (rel.status === 'resolved') {
    const fixed = rel.fixedVersion;
    if (!fixed || fixed === '0') return undefined;
    const order = dpkgOrder(installed, fixed);
    if (order === undefined || order >= 0) return undefined;
    const fixedIn = suiteCarrying(rel.repositories, fixed, codename);
    return { state: 'fixed', fixedVersion: fixed, ...(fixedIn ? { fixedIn } : {}) };
  }
  const note = rel.nodsa ? { note: rel.nodsa } : {};
  if (rel.urgency === 'end-of-life') return { state: 'end_of_life', ...note };
  if (rel.nodsaReason === 'postponed') return { state: 'fix_deferred', ...note };
  if (rel.nodsaReason === 'ignored' || rel.nodsa !== undefined) return { state: 'will_not_fix', ...note };
  return { state: 'affected' };
}

/** The release's own suite when it carries the fix, else its first other suite that does (`-security`). */
function suiteCarrying(repos: Record<string, string>, fixed: string, codename: string): string | undefined {
  const carries = (suite: string) =>
    repos[suite] !== undefined && (dpkgOrder(repos[suite], fixed) ?? -1) >= 0;
  if (carries(codename)) return codename;
  return Object.keys(repos).sort().find(carries);
}

function debianReleaseMatches(ecosystem: string, release: DebianRelease): boolean {
  const suffix = ecosystem.split(':')[1];
  if (suffix === undefined) return true;
  return suffix === release.version || suffix === release.codename;
}

function osvSeverity(hit: OsvHit): { severity: Severity; source?: string; score?: number } {
  const debian = hit.affected.ecosystem.toLowerCase().startsWith('debian');
  if (debian && hit.affected.severityHint) {
    const s = severityFromUrgency(hit.affected.severityHint);
    if (s !== 'unknown') return { severity: s, source: hit.affected.severityHint };
  }
  for (const vector of hit.record.cvss) {
    const score = cvssScore(vector);
    if (score !== undefined) return { severity: severityFromScore(score), source: vector, score };
  }
  for (const label of [hit.record.severityLabel, hit.affected.severityHint]) {
    const s = severityFromLabel(label);
    if (s) return { severity: s, source: label as string };
  }
  return { severity: 'unknown' };
}

/** Reports a CVE as the finding's id when the record names exactly one (DEBIAN-CVE-…, a GHSA with its CVE). */
function preferCve(id: string, aliases: string[]): { id: string; aliases: string[] } {
  if (id.startsWith('CVE-')) return { id, aliases };
  const cves = aliases.filter((a) => a.startsWith('CVE-'));
  if (cves.length !== 1) return { id, aliases };
  const cve = cves[0] as string;
  return { id: cve, aliases: [...aliases.filter((a) => a !== cve), id].sort() };
}

function packageOf(p: ScanPackage): FindingPackage {
  return {
    type: p.type,
    name: p.name,
    version: p.version,
    purl: p.purl,
    ...(p.source ? { source: p.source } : {}),
    ...(p.path ? { path: p.path } : {}),
  };
}

function dpkgOrder(a: string, b: string): number | undefined {
  try {
    return compareVersions(a, b);
  } catch {
    return undefined;
  }
}
