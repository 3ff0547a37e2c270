// What an image holds, as pith's inventory reports it: per platform, the operating system, the packages of
// its package databases (with the files each owns), and every file of the flattened root file system with
// the layer that put it there. SBOM writers and, later, scanners and audits read this model.
import type { EntryType } from '../tar/index.ts';
import type { Digest } from '../util/index.ts';
import type { LayerUsage, Waste } from './layer-usage.ts';
import type { Account, Group } from './passwd.ts';

/** One path of the flattened file system (whiteouts applied), as the top-most layer that wrote it left it. */
export interface InventoryFile {
  /** Relative, normalised path (`usr/bin/env`). */
  path: string;
  type: EntryType;
  /** Bytes, for regular files. */
  size: number;
  /** Permission bits including setuid, setgid and sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target as written, or the path a hardlink points at. */
  linkTarget?: string;
  /** Index of the layer (in manifest order, 0 = bottom) that wrote this entry. */
  layer: number;
  /** Content digest of a regular file. */
  sha256?: Digest;
}

/** The operating system, from os-release (and Debian's /etc/debian_version). */
export interface OsInfo {
  /** os-release ID, e.g. `debian`. */
  id: string;
  /** e.g. `13`. */
  versionId?: string;
  /** e.g. `trixie`. */
  versionCodename?: string;
  prettyName?: string;
  /** /etc/debian_version, e.g. `13.2`. */
  debianVersion?: string;
}

/** Where a package record was found. */
export type PackageDatabase =
  /** dpkg's /var/lib/dpkg/status. */
  | 'dpkg-status'
  /** distroless's /var/lib/dpkg/status.d/NAME (one stanza per file, with NAME.md5sums). */
  | 'dpkg-status.d'
  /** apk's /lib/apk/db/installed (Alpine, Wolfi, Chainguard). */
  | 'apk-installed'
  /** rpm's sqlite database (var/lib/rpm/rpmdb.sqlite, usr/lib/sysimage/rpm/rpmdb.sqlite). */
  | 'rpm-sqlite'
  /** Ubuntu chisel's var/lib/chisel/manifest.wall (slices of packages). */
  | 'chisel-manifest';

/** A licence a package declares: its short name as written, and the SPDX identifier when there is one. */
export interface PackageLicense {
  name: string;
  spdx?: string;
}

/** A package installed through the operating system's package manager. */
export interface OsPackage {
  /** purl type: `deb` (dpkg), `apk` or `rpm`. */
  type: 'deb' | 'apk' | 'rpm';
  name: string;
  /** The full version, epoch included (`1:2.39-1`). */
  version: string;
  architecture: string;
  /** The source package and its version (the binary's own when the record names none). */
  source: { name: string; version: string };
  /** rpm's SOURCERPM (`bash-5.2.26-3.fc40.src.rpm`). */
  sourceRpm?: string;
  /** The chisel slices of the package that were cut (`libc6_libs`). */
  slices?: string[];
  maintainer?: string;
  /** Installed-Size in KiB, as dpkg records it (apk's bytes are converted). */
  installedSize?: number;
  homepage?: string;
  /** The first line of Description. */
  summary?: string;
  /** The Depends field as written (dpkg only: apk's dependencies name sonames and commands). */
  depends?: string;
  /** Which database recorded it, and the path of the record. */
  database: PackageDatabase;
  recordPath: string;
  /** Paths (relative, normalised) the package owns that are present in the image, sorted. */
  files: string[];
  /** Regular files its md5sums lists that the image does not hold (e.g. documentation pith left out). */
  absent?: string[];
  /** From its DEP-5 copyright file (usr/share/doc/NAME/copyright), `Files: *` first; absent when free text. */
  licenses?: PackageLicense[];
}

/** A package of a language's package manager, found by the manifest it left. */
export interface LanguagePackage {
  /** The ecosystem, as purl names it. */
  type: 'npm' | 'pypi' | 'golang' | 'maven';
  name: string;
  version: string;
  /** The manifest (package.json, METADATA, PKG-INFO), or the executable or archive it was found in. */
  path: string;
  /** Maven's group id. */
  group?: string;
  /** npm: the names its package.json requires (dependencies, optionalDependencies). */
  requires?: string[];
  /** npm: the manifests of the installed packages those names resolve to, as Node resolves them. */
  dependsOn?: string[];
  /** As the manifest declares them (an SPDX expression or a name). */
  licenses?: string[];
}

/** A language runtime found by what its files say, whether or not a package installed it. */
export interface Runtime {
  /** `node` or `java`. */
  name: string;
  /** e.g. `22.11.0`, `21.0.5`. */
  version: string;
  /** The executable (node) or the runtime's home directory (java). */
  path: string;
  /** Who made it, when it says (a JDK's IMPLEMENTOR). */
  vendor?: string;
  /** The package that owns it, when one does (a Debian openjdk, nodejs); absent: installed by hand. */
  package?: string;
}

/** The inventory of one image (one platform). */
export interface ImageInventory {
  /** os/arch[/variant] from the config. */
  platform?: string;
  /** The image manifest's digest. */
  digest: Digest;
  os?: OsInfo;
  packages: OsPackage[];
  /** npm and Python packages, by their manifests. */
  languagePackages: LanguagePackage[];
  /** Language runtimes found by their own files (node, java), sorted by path. */
  runtimes: Runtime[];
  /** Every path of the flattened file system, sorted. */
  files: InventoryFile[];
  /** Regular files no package owns (paths), sorted: what an SBOM must list to be complete. */
  unowned: string[];
  /** /etc/passwd's accounts and /etc/group's groups, when the image has those files. */
  accounts?: Account[];
  groups?: Group[];
  /** Per layer (manifest order): its entries, file bytes, and the bytes later layers hide. */
  layers: LayerUsage[];
  /** Bytes shipped in lower layers that later layers overwrote or deleted; dive's numbers beside them. */
  waste: Waste;
}

/** The inventory of an image or index. */
export interface Inventory {
  reference: string;
  /** The digest of the top document (the index for a multi-platform image). */
  digest: Digest;
  images: ImageInventory[];
}
