// The inventory of one image, from one pass over its layers: the flattened file system, the OS, the dpkg
// packages with the files they own, npm and Python packages by their manifests, Go modules in executables
// and Java packages in archives, runtimes installed by hand,
// and the regular files no package owns (with size and sha256, so an SBOM can be complete).

import { configPlatform, formatPlatform, type Image } from '../oci/index.ts';
import { compareText } from '../util/index.ts';
import { APK_INSTALLED, apkPackages } from './apk-db.ts';
import { CHISEL_MANIFEST, chiselPackages } from './chisel-manifest.ts';
import { copyrightPackage, dep5Licenses } from './debian-copyright.ts';
import { DPKG_STATUS, dpkgPackages, isDpkgDatabaseFile } from './dpkg-db.ts';
import { detectFile, wantsContent } from './file-detectors.ts';
import { type FlattenOptions, flatten } from './flatten.ts';
import { isLanguageManifest, languagePackages } from './language-packages.ts';
import { DEBIAN_VERSION_PATH, OS_RELEASE_PATHS, osInfo } from './os-release.ts';
import { GROUP_PATH, PASSWD_PATH, parseGroup, parsePasswd } from './passwd.ts';
import { resolveInImage } from './resolve-path.ts';
import { isRpmDatabaseFile, rpmPackages } from './rpm-db.ts';
import type { ImageInventory, OsPackage } from './types.ts';

const KEPT = new Set<string>([
  PASSWD_PATH,
  GROUP_PATH,
  ...OS_RELEASE_PATHS,
  DEBIAN_VERSION_PATH,
  DPKG_STATUS,
  APK_INSTALLED,
  CHISEL_MANIFEST,
]);

/** Reads every layer of `image` once and reports what it holds. */
export async function inventoryImage(
  image: Image,
  opts: { where: string; signal?: AbortSignal | undefined; scan?: FlattenOptions['scan'] },
): Promise<ImageInventory> {
  const fs = await flatten(image.layers, {
    keep: (p, size) =>
      KEPT.has(p) ||
      isDpkgDatabaseFile(p) ||
      isRpmDatabaseFile(p) ||
      isLanguageManifest(p, size) ||
      copyrightPackage(p) !== undefined,
    where: opts.where,
    signal: opts.signal,
    detect: { wants: wantsContent, detect: detectFile },
    ...(opts.scan ? { scan: opts.scan } : {}),
  });
  const text = (p: string) => fs.kept.get(p)?.toString('utf8');
  const os = osInfo(text);
  // a package's files: what it lists that is present, directories aside (shared by many packages)
  const present = (p: string) => {
    const found = resolveInImage(fs.files, p);
    return found === undefined || fs.files.get(found)?.type === 'dir' ? undefined : found;
  };
  const dpkg = dpkgPackages(fs.kept, present);
  const packages = [
    ...dpkg,
    ...apkPackages(fs.kept.get(APK_INSTALLED), present),
    ...(await rpmPackages(fs.kept, present)),
    ...withoutDpkgTwins(await chiselPackages(fs.kept.get(CHISEL_MANIFEST), present), dpkg),
  ];
  for (const pkg of packages) {
    const copyright = fs.kept.get(`usr/share/doc/${pkg.name}/copyright`);
    const licenses = copyright ? dep5Licenses(copyright.toString('utf8')) : [];
    if (licenses.length) pkg.licenses = licenses;
  }
  const owners = new Map(packages.flatMap((p) => p.files.map((f) => [f, p.name] as const)));
  const owned = new Set(owners.keys());
  const runtimes = [...fs.detected.entries()]
    .flatMap(([file, d]) => (d.runtime ? [[file, d.runtime] as const] : []))
    .map(([file, r]) => {
      const owner = owners.get(file);
      return owner ? { ...r, package: owner } : r;
    })
    .sort((a, b) => compareText(a.path, b.path));
  const files = [...fs.files.values()].sort((a, b) => compareText(a.path, b.path));
  const unowned = files.filter((f) => f.type === 'file' && !owned.has(f.path)).map((f) => f.path);
  return {
    ...(image.config ? { platform: formatPlatform(configPlatform(image.config.value)) } : {}),
    digest: image.manifest.digest,
    ...(os ? { os } : {}),
    packages,
    languagePackages: languagePackages(
      fs.kept,
      [...fs.detected.values()].flatMap((d) => d.packages ?? []),
    ),
    runtimes,
    files,
    unowned,
    ...accountsOf(text),
    layers: fs.usage.layers,
    waste: fs.usage.waste(),
  };
}

/** /etc/passwd and /etc/group, when the image has them. */
function accountsOf(text: (p: string) => string | undefined): Pick<ImageInventory, 'accounts' | 'groups'> {
  const passwd = text(PASSWD_PATH);
  const group = text(GROUP_PATH);
  return {
    ...(passwd !== undefined ? { accounts: parsePasswd(passwd) } : {}),
    ...(group !== undefined ? { groups: parseGroup(group) } : {}),
  };
}

/**
 * Chisel's packages that dpkg's database does not also record (a status file made by rocks-toolbox's
 * chisel-wrapper lists them too): a twin is one package, dpkg's record with chisel's slices and files added.
 */
function withoutDpkgTwins(chisel: OsPackage[], dpkg: OsPackage[]): OsPackage[] {
  const byKey = new Map(dpkg.map((p) => [`${p.name}\0${p.version}`, p]));
  return chisel.filter((c) => {
    const twin = byKey.get(`${c.name}\0${c.version}`);
    if (twin) {
      if (c.slices) twin.slices = c.slices;
      twin.files = [...new Set([...twin.files, ...c.files])].sort();
    }
    return !twin;
  });
}
