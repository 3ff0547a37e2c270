// apk's package database (Alpine, Wolfi, Chainguard images): /lib/apk/db/installed, one record per
// package separated by blank lines, each line `X:value` (apk-tools' "installed database" format: P name,
// V version, A architecture, o origin, the source package, L licence, T description, U url, m maintainer,
// I installed size in bytes, F a directory and R a file in the F above it). The files a package owns are
// its F/R pairs that the image holds.
import { compareText } from '../util/index.ts';
import type { OsPackage } from './types.ts';

export const APK_INSTALLED = 'lib/apk/db/installed';

/** The packages of apk's installed database, sorted by name; `resolve` finds present paths. */
export function apkPackages(
  db: Buffer | undefined,
  resolve: (path: string) => string | undefined,
): OsPackage[] {
  if (!db) return [];
  const out: OsPackage[] = [];
  for (const record of db.toString('utf8').split(/\n\s*\n/)) {
    const pkg = fromRecord(record, resolve);
    if (pkg) out.push(pkg);
  }
  return out.sort((a, b) => compareText(a.name, b.name));
}

function fromRecord(record: string, resolve: (path: string) => string | undefined): OsPackage | undefined {
  const field = new Map<string, string>();
  const files: string[] = [];
  let dir = '';
  for (const line of record.split('\n')) {
    const key = line[0];
    if (!key || line[1] !== ':') continue;
    const value = line.slice(2);
    if (key === 'F') dir = value;
    else if (key === 'R') files.push(dir ? `${dir}/${value}` : value);
    else if (!field.has(key)) field.set(key, value);
  }
  const name = field.get('P');
  const version = field.get('V');
  if (!name || !version) return undefined;
  const size = Number(field.get('I'));
  const license = field.get('L');
  return {
    type: 'apk',
    name,
    version,
    architecture: field.get('A') ?? '',
    source: { name: field.get('o') || name, version },
    ...(field.get('m') ? { maintainer: field.get('m') as string } : {}),
    ...(Number.isSafeInteger(size) ? { installedSize: Math.ceil(size / 1024) } : {}),
    ...(field.get('U') ? { homepage: field.get('U') as string } : {}),
    ...(field.get('T') ? { summary: field.get('T') as string } : {}),
    database: 'apk-installed',
    recordPath: APK_INSTALLED,
    files: [...new Set(files.map(resolve).filter((p): p is string => p !== undefined))].sort(),
    ...(license ? { licenses: [{ name: license }] } : {}),
  };
}
