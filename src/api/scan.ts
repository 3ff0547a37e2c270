// `scan`: what in an image is stale. For every Debian package an image holds, the suite its os-release
// names is read through pith's verified indexes (suite, -updates, -security, as a build reads them): a
// package with a newer version there has a published fix the image lacks. Vulnerability feeds come on top
// of this in a later step; this part needs none.
import { compareVersions, DebianSession } from '../apt-repo/index.ts';
import { platformArch } from '../config/index.ts';
import type { ImageInventory, OsPackage } from '../inventory/index.ts';
import { parsePlatform } from '../oci/index.ts';
import type { Context } from './context.ts';
import { inventory } from './inventory.ts';

export interface ScanRequest {
  /** Any transport reference. */
  reference: string;
  /** Mirrors to read the suite from (default: the host's apt sources), as in a config's `mirror:`. */
  mirror?: { archive?: string; security?: string };
  /** OpenPGP keyrings trusted for the suite (default: Debian's archive keys shipped with pith). */
  keyrings?: string[];
}

/** A package the suite has a newer version of. */
export interface PackageUpdate {
  name: string;
  architecture: string;
  installed: string;
  /** The newest version the suite (with -updates and -security) carries. */
  available: string;
  /** Where that version is, e.g. `trixie-security/main`. */
  origin: string;
  source: { name: string; version: string };
}

export interface ImageScan {
  platform?: string;
  digest: string;
  /** The Debian suite read, from os-release's VERSION_CODENAME. */
  suite?: string;
  /** Packages with a newer version in the suite, by name. */
  updates: PackageUpdate[];
  /** Packages the suite does not carry at all (installed from elsewhere, or removed since). */
  notInSuite: string[];
  /** Why the image was not checked (no Debian os-release, a suite pith does not read, no dpkg data). */
  skipped?: string;
}

export interface ScanReport {
  reference: string;
  digest: string;
  images: ImageScan[];
}

/** Scans every image (platform) of the reference. */
export async function scan(ctx: Context, req: ScanRequest): Promise<ScanReport> {
  const inv = await inventory(ctx, req.reference);
  const images: ImageScan[] = [];
  for (const img of inv.images) images.push(await scanImage(ctx, req, img));
  return { reference: req.reference, digest: inv.digest, images };
}

async function scanImage(ctx: Context, req: ScanRequest, img: ImageInventory): Promise<ImageScan> {
  const base = { ...(img.platform ? { platform: img.platform } : {}), digest: img.digest };
  const suite = img.os?.id === 'debian' ? img.os.versionCodename : undefined;
  const skip = (skipped: string): ImageScan => ({ ...base, updates: [], notInSuite: [], skipped });
  if (!suite) return skip(`no Debian os-release with a VERSION_CODENAME (os: ${img.os?.id ?? 'unknown'})`);
  if (img.packages.length === 0) return skip('no dpkg package database');
  const arch = img.platform ? platformArch(parsePlatform(img.platform)) : undefined;
  if (!arch) return skip(`platform ${img.platform ?? 'unknown'} has no Debian architecture`);
  const session = new DebianSession({
    suite,
    ...(req.mirror ? { mirrors: req.mirror } : {}),
    ...(req.keyrings?.length ? { keyrings: req.keyrings } : {}),
    cacheDir: ctx.settings.cacheDir,
    offline: ctx.settings.offline,
    network: ctx.network(),
    onEvent: (e) => ctx.emit(e),
  });
  const universe = await session.universe(arch);
  const updates: PackageUpdate[] = [];
  const notInSuite: string[] = [];
  for (const pkg of img.packages) {
    if (pkg.architecture !== arch && pkg.architecture !== 'all') continue; // a foreign architecture's
    const best = universe.byName.get(pkg.name)?.[0];
    if (!best) notInSuite.push(pkg.name);
    else if (compareVersions(best.version, pkg.version) > 0) updates.push(update(pkg, best));
  }
  return { ...base, suite, updates, notInSuite };
}

function update(pkg: OsPackage, best: { version: string; origin: string }): PackageUpdate {
  return {
    name: pkg.name,
    architecture: pkg.architecture,
    installed: pkg.version,
    available: best.version,
    origin: best.origin,
    source: pkg.source,
  };
}
