// dpkg's package database in an image: /var/lib/dpkg/status (every stanza whose Status says installed,
// with the files of info/NAME.list or info/NAME:ARCH.list), and distroless's status.d/ (one control stanza
// per file, with NAME.md5sums listing its files). Records are deb822 (Debian Policy §5), parsed by the
// repository client's parser; `Source: NAME (VERSION)` gives the source package when it differs.

import { parseDeb822, type Stanza } from '../apt-repo/index.ts';
import { compareText } from '../util/index.ts';
import type { OsPackage, PackageDatabase } from './types.ts';

export const DPKG_STATUS = 'var/lib/dpkg/status';
export const DPKG_STATUS_D = 'var/lib/dpkg/status.d/';
const DPKG_INFO = 'var/lib/dpkg/info/';

/** Whether the inventory needs a file's content to read the package database. */
export function isDpkgDatabaseFile(path: string): boolean {
  return (
    path === DPKG_STATUS ||
    path.startsWith(DPKG_STATUS_D) ||
    (path.startsWith(DPKG_INFO) && (path.endsWith('.list') || path.endsWith('.md5sums')))
  );
}

/** The packages dpkg's databases record, sorted by name and architecture; `resolve` finds present paths. */
export function dpkgPackages(
  kept: ReadonlyMap<string, Buffer>,
  resolve: (path: string) => string | undefined,
): OsPackage[] {
  const out: OsPackage[] = [];
  const status = kept.get(DPKG_STATUS);
  if (status) {
    for (const s of parseDeb822(status.toString('utf8'), { where: DPKG_STATUS })) {
      if (!isInstalled(s)) continue;
      const pkg = fromStanza(s, 'dpkg-status', DPKG_STATUS);
      if (!pkg) continue;
      pkg.files = present([...listedFiles(kept, pkg), ...conffiles(s)], resolve);
      noteAbsent(pkg, absent(md5sumsFiles(infoFile(kept, pkg, 'md5sums')), resolve));
      out.push(pkg);
    }
  }
  for (const [path, bytes] of kept) {
    if (!path.startsWith(DPKG_STATUS_D) || path.endsWith('.md5sums')) continue;
    for (const s of parseDeb822(bytes.toString('utf8'), { where: path })) {
      const pkg = fromStanza(s, 'dpkg-status.d', path);
      if (!pkg) continue;
      const md5sums = md5sumsFiles(kept.get(`${path}.md5sums`));
      pkg.files = present([...md5sums, ...conffiles(s)], resolve);
      noteAbsent(pkg, absent(md5sums, resolve));
      out.push(pkg);
    }
  }
  return out.sort((a, b) => compareText(a.name, b.name) || compareText(a.architecture, b.architecture));
}

/** `Status: install ok installed` (or hold…): the package's files are on disk. */
function isInstalled(s: Stanza): boolean {
  const status = s.get('Status')?.trim().split(/\s+/) ?? [];
  return status[2] === 'installed';
}

function fromStanza(s: Stanza, database: PackageDatabase, recordPath: string): OsPackage | undefined {
  const name = s.get('Package')?.trim();
  const version = s.get('Version')?.trim();
  if (!name || !version) return undefined;
  const architecture = s.get('Architecture')?.trim() ?? '';
  const installedSize = Number(s.get('Installed-Size')?.trim());
  const summary = s.get('Description')?.split('\n')[0]?.trim();
  const pick = (field: string) => s.get(field)?.trim() || undefined;
  const maintainer = pick('Maintainer');
  const homepage = pick('Homepage');
  const depends = pick('Depends');
  return {
    type: 'deb',
    name,
    version,
    architecture,
    source: sourceOf(s.get('Source'), name, version),
    ...(maintainer ? { maintainer } : {}),
    ...(Number.isSafeInteger(installedSize) ? { installedSize } : {}),
    ...(homepage ? { homepage } : {}),
    ...(summary ? { summary } : {}),
    ...(depends ? { depends } : {}),
    database,
    recordPath,
    files: [],
  };
}

/** `Source: glibc (2.41-12)` or `Source: glibc`; absent means the binary's own name and version. */
export function sourceOf(field: string | undefined, name: string, version: string): OsPackage['source'] {
  const m = /^\s*(\S+)(?:\s+\(([^)]+)\))?\s*$/.exec(field ?? '');
  if (!m) return { name, version };
  return { name: m[1]!, version: m[2]?.trim() || version };
}

/** info/NAME:ARCH.EXT (Multi-Arch: same packages) or info/NAME.EXT. */
function infoFile(kept: ReadonlyMap<string, Buffer>, pkg: OsPackage, ext: string): Buffer | undefined {
  return (
    kept.get(`${DPKG_INFO}${pkg.name}:${pkg.architecture}.${ext}`) ??
    kept.get(`${DPKG_INFO}${pkg.name}.${ext}`)
  );
}

/** The paths of info/NAME.list (or NAME:ARCH.list for Multi-Arch: same packages). */
function listedFiles(kept: ReadonlyMap<string, Buffer>, pkg: OsPackage): string[] {
  return (infoFile(kept, pkg, 'list')?.toString('utf8') ?? '')
    .split('\n')
    .map((l) => l.replace(/^\/+/, '').replace(/\/+$/, ''));
}

/** The paths of a NAME.md5sums (`MD5  path` lines, paths without the leading slash). */
function md5sumsFiles(md5sums: Buffer | undefined): string[] {
  return (md5sums?.toString('utf8') ?? '')
    .split('\n')
    .map((l) => /^[0-9a-f]{32}\s+(.+)$/.exec(l)?.[1]?.replace(/^\/+/, '') ?? '');
}

/** The paths of a record's Conffiles field (` /etc/x MD5` lines): dpkg lists them apart from md5sums. */
function conffiles(s: Stanza): string[] {
  return (s.get('Conffiles') ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0]?.replace(/^\/+/, '') ?? '');
}

function noteAbsent(pkg: OsPackage, paths: string[]): void {
  if (paths.length) pkg.absent = paths;
}

/** The regular files a package's md5sums lists that the image does not hold (pith drops documentation). */
function absent(md5sums: string[], resolve: (p: string) => string | undefined): string[] {
  return [...new Set(md5sums.filter((p) => p !== '' && resolve(p) === undefined))].sort(compareText);
}

function present(paths: string[], resolve: (p: string) => string | undefined): string[] {
  const found = paths.flatMap((p) => (p === '' || p === '.' ? [] : [resolve(p)]));
  return [...new Set(found.filter((p): p is string => p !== undefined))].sort(compareText);
}
