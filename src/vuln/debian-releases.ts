// Debian releases as the security tracker names them (codenames) and as OSV names them (`Debian:12`):
// the mapping distro-info-data's debian.csv gives (osv.dev reads it; vunnel hard-codes the same map,
// `../shared/briefs/analyzers.md` §3.1), with the dates security support ends. Kept in pith rather than
// read from the host so a scan gives the same answer everywhere; a test checks it against debian.csv.

export interface DebianRelease {
  /** `13`; absent for sid. */
  version?: string;
  codename: string;
  /** Regular security support ends (YYYY-MM-DD). */
  eol?: string;
  /** Debian LTS ends. */
  eolLts?: string;
}

export const DEBIAN_RELEASES: readonly DebianRelease[] = [
  { version: '10', codename: 'buster', eol: '2022-09-10', eolLts: '2024-06-30' },
  { version: '11', codename: 'bullseye', eol: '2024-08-14', eolLts: '2026-08-31' },
  { version: '12', codename: 'bookworm', eol: '2026-07-11', eolLts: '2028-06-30' },
  { version: '13', codename: 'trixie', eol: '2028-08-09', eolLts: '2030-06-30' },
  { version: '14', codename: 'forky' },
  { version: '15', codename: 'duke' },
  { codename: 'sid' },
];

/** The Debian release an os-release names (by VERSION_CODENAME, else VERSION_ID's major); none for other OSes. */
export function debianRelease(
  os: { id: string; versionCodename?: string; versionId?: string } | undefined,
): DebianRelease | undefined {
  if (os?.id !== 'debian') return undefined;
  const byName = DEBIAN_RELEASES.find((r) => r.codename === os.versionCodename);
  if (byName) return byName;
  const major = os.versionId?.split('.')[0];
  return major ? DEBIAN_RELEASES.find((r) => r.version === major) : undefined;
}

/** The release an OSV ecosystem suffix or purl `distro` version names (`12`, `12.5`, `sid`, `bookworm`). */
export function releaseNamed(name: string): DebianRelease | undefined {
  const major = name.split('.')[0];
  return DEBIAN_RELEASES.find((r) => r.version === major || r.codename === name);
}

/** Whether all security support (LTS included) has ended on `today` (YYYY-MM-DD). */
export function outOfSupport(release: DebianRelease, today: string): boolean {
  const end = release.eolLts ?? release.eol;
  return end !== undefined && end < today;
}
