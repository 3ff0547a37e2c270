// rpm's sqlite package database (Fedora ≥ 33, RHEL ≥ 9, Azure Linux, Amazon Linux 2023):
// var/lib/rpm/rpmdb.sqlite or usr/lib/sysimage/rpm/rpmdb.sqlite, one header blob per installed package in
// table Packages (read with node:sqlite from a private temporary copy, its write-ahead log beside it).
// Each header gives name, epoch, version, release, arch, the source rpm, licence, size and the files
// (dirnames[dirindexes[i]] + basenames[i]). The older Berkeley DB and ndb formats are not read.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareText } from '../util/index.ts';
import { RPM_TAG, type RpmValue, readRpmHeader } from './rpm-header.ts';
import type { OsPackage } from './types.ts';

export const RPMDB_PATHS = ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite'];

export function isRpmDatabaseFile(path: string): boolean {
  return RPMDB_PATHS.some((p) => path === p || path === `${p}-wal`);
}

/** The packages of the first rpm database the image holds, sorted by name and architecture. */
export async function rpmPackages(
  kept: ReadonlyMap<string, Buffer>,
  resolve: (path: string) => string | undefined,
): Promise<OsPackage[]> {
  const path = RPMDB_PATHS.find((p) => kept.has(p));
  if (!path) return [];
  const dir = await mkdtemp(join(tmpdir(), 'pith-rpmdb-'));
  try {
    await writeFile(join(dir, 'rpmdb.sqlite'), kept.get(path) as Buffer);
    const wal = kept.get(`${path}-wal`);
    if (wal) await writeFile(join(dir, 'rpmdb.sqlite-wal'), wal);
    const blobs = await readBlobs(join(dir, 'rpmdb.sqlite'));
    return blobs
      .map((b) => fromHeader(b, path, resolve))
      .filter((p): p is OsPackage => p !== undefined)
      .sort((a, b) => compareText(a.name, b.name) || compareText(a.architecture, b.architecture));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readBlobs(file: string): Promise<Uint8Array[]> {
  const { DatabaseSync } = await import('node:sqlite'); // loaded only for an image that has one
  let db: InstanceType<typeof DatabaseSync> | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as { blob: Uint8Array }[];
    return rows.map((r) => r.blob);
  } catch {
    return []; // not an rpm sqlite database: nothing pith can vouch for
  } finally {
    db?.close();
  }
}

function fromHeader(
  blob: Uint8Array,
  recordPath: string,
  resolve: (path: string) => string | undefined,
): OsPackage | undefined {
  const h = readRpmHeader(blob);
  if (!h) return undefined;
  const str = (tag: number) => (typeof h.get(tag) === 'string' ? (h.get(tag) as string) : undefined);
  const name = str(RPM_TAG.name);
  const version = str(RPM_TAG.version);
  const release = str(RPM_TAG.release);
  if (!name || !version || name === 'gpg-pubkey') return undefined; // imported keys are no packages
  const epoch = (h.get(RPM_TAG.epoch) as number[] | undefined)?.[0];
  const full = `${epoch !== undefined ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
  const srpm = str(RPM_TAG.sourceRpm);
  const src = srpm ? /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(srpm) : undefined;
  const size = (h.get(RPM_TAG.size) as number[] | undefined)?.[0];
  const license = str(RPM_TAG.license);
  const summary = str(RPM_TAG.summary);
  const url = str(RPM_TAG.url);
  const vendor = str(RPM_TAG.vendor);
  return {
    type: 'rpm',
    name,
    version: full,
    architecture: str(RPM_TAG.arch) ?? '',
    source: src ? { name: src[1] as string, version: `${src[2]}-${src[3]}` } : { name, version: full },
    ...(srpm ? { sourceRpm: srpm } : {}),
    ...(vendor ? { maintainer: vendor } : {}),
    ...(size !== undefined && size >= 0 ? { installedSize: Math.ceil(size / 1024) } : {}),
    ...(url ? { homepage: url } : {}),
    ...(summary ? { summary } : {}),
    database: 'rpm-sqlite',
    recordPath,
    files: [
      ...new Set(
        filesOf(h)
          .map(resolve)
          .filter((p): p is string => p !== undefined),
      ),
    ].sort(),
    ...(license ? { licenses: [{ name: license }] } : {}),
  };
}

function filesOf(h: Map<number, RpmValue>): string[] {
  const base = h.get(RPM_TAG.baseNames) as string[] | undefined;
  const dirs = h.get(RPM_TAG.dirNames) as string[] | undefined;
  const index = h.get(RPM_TAG.dirIndexes) as number[] | undefined;
  if (!base || !dirs || !index) return [];
  return base.map((b, i) => `${dirs[index[i] ?? -1] ?? ''}${b}`.replace(/^\/+/, ''));
}
