// What both SBOM writers read from an inventory, decided once: a stable key per image, each package's purl
// and its present dependencies, the unowned regular files with their facts, the OS version to report, the
// maintainer split into name and email, and identifiers derived from digests (never random).
import type { ImageInventory, Inventory, InventoryFile, OsInfo, OsPackage } from '../inventory/index.ts';
import { checkEpoch, compareText, epochToRfc3339, PITH_TOOL, sha256 } from '../util/index.ts';
import { sbomError } from './error-codes.ts';
import { osPackagePurl } from './purl.ts';

/** The tool named in every document. Kept equal to package.json's version (a test checks it). */
/** The tool SBOMs name as their author. */
export const SBOM_TOOL = PITH_TOOL;

export const CYCLONEDX_VERSIONS = ['1.5', '1.6'] as const;
export type CycloneDxVersion = (typeof CYCLONEDX_VERSIONS)[number];

export interface SbomOptions {
  /** Seconds since 1970 for the document's creation time (SOURCE_DATE_EPOCH), so output is reproducible. */
  epoch: number;
}

export interface CycloneDxOptions extends SbomOptions {
  /** CycloneDX specification version; default 1.6. */
  specVersion?: CycloneDxVersion;
}

export type SpdxOptions = SbomOptions;

export interface SbomPackage {
  pkg: OsPackage;
  purl: string;
  /** `application` when it installs something under a bin/ or sbin/ directory or libexec/, else `library`. */
  kind: 'application' | 'library';
  /** Indexes (into the image's package list) of the packages its Depends names that are present. */
  depends: number[];
}

export interface SbomImage {
  image: ImageInventory;
  /** Unique within the document: the platform (`linux/amd64`), else the manifest digest, `#N` on repeats. */
  key: string;
  os?: { id: string; version?: string; info: OsInfo };
  packages: SbomPackage[];
  files: InventoryFile[];
}

/** The timestamp of a document: `epoch` checked (BAD_EPOCH) and written as RFC 3339 UTC. */
export function timestampOf(epoch: number): string {
  return epochToRfc3339(checkEpoch(epoch, 'epoch'));
}

/** The spec version asked for, checked. */
export function cycloneDxVersion(v: string | undefined): CycloneDxVersion {
  if (v === undefined) return '1.6';
  if ((CYCLONEDX_VERSIONS as readonly string[]).includes(v)) return v as CycloneDxVersion;
  throw sbomError(
    'UNSUPPORTED_SBOM_VERSION',
    `CycloneDX specification version "${v}" is not supported (${CYCLONEDX_VERSIONS.join(', ')})`,
    { details: { specVersion: v } },
  );
}

/** The images of an inventory with everything the writers need, in the inventory's order. */
export function sbomImages(inv: Inventory): SbomImage[] {
  const seen = new Map<string, number>();
  return inv.images.map((image) => {
    const base = image.platform ?? image.digest;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const key = n === 1 ? base : `${base}#${n}`;
    const os = image.os ? osOf(image.os) : undefined;
    return { image, key, ...(os ? { os } : {}), packages: packagesOf(image), files: unownedFiles(image) };
  });
}

function osOf(info: OsInfo): NonNullable<SbomImage['os']> {
  // /etc/debian_version carries the point release (13.2) where VERSION_ID says 13: the more precise wins
  const point =
    info.debianVersion && info.versionId && info.debianVersion.startsWith(`${info.versionId}.`)
      ? info.debianVersion
      : undefined;
  const version = point ?? info.versionId ?? info.debianVersion;
  return { id: info.id, ...(version ? { version } : {}), info };
}

const EXECUTABLE_DIR = /(?:^|\/)(?:s?bin|libexec)\//;

function packagesOf(image: ImageInventory): SbomPackage[] {
  const pkgs = [...image.packages].sort(
    (a, b) =>
      compareText(a.name, b.name) ||
      compareText(a.architecture, b.architecture) ||
      compareText(a.version, b.version) ||
      compareText(a.recordPath, b.recordPath),
  );
  const byName = new Map<string, number[]>();
  pkgs.forEach((p, i) => {
    byName.set(p.name, [...(byName.get(p.name) ?? []), i]);
  });
  return pkgs.map((pkg) => ({
    pkg,
    purl: osPackagePurl(pkg, image.os),
    kind: pkg.files.some((f) => EXECUTABLE_DIR.test(f)) ? 'application' : 'library',
    depends: presentDepends(pkg, pkgs, byName),
  }));
}

/**
 * The packages a Depends field names that are installed: for each comma-separated relation, the first
 * alternative present (any arch qualifier; the same architecture, then `all`, then any other preferred).
 * Version constraints and architecture restrictions are not re-checked: dpkg did when it installed them.
 */
function presentDepends(pkg: OsPackage, pkgs: OsPackage[], byName: Map<string, number[]>): number[] {
  const out = new Set<number>();
  for (const relation of (pkg.depends ?? '').split(',')) {
    for (const alt of relation.split('|')) {
      const name = /^\s*([A-Za-z0-9][A-Za-z0-9+.-]*)/.exec(alt)?.[1]?.toLowerCase();
      const candidates = name ? byName.get(name) : undefined;
      if (!candidates) continue;
      const rank = (i: number) =>
        pkgs[i]!.architecture === pkg.architecture ? 0 : pkgs[i]!.architecture === 'all' ? 1 : 2;
      const best = [...candidates].sort((a, b) => rank(a) - rank(b) || a - b)[0]!;
      if (pkgs[best] !== pkg) out.add(best);
      break;
    }
  }
  return [...out].sort((a, b) => a - b);
}

function unownedFiles(image: ImageInventory): InventoryFile[] {
  const byPath = new Map(image.files.map((f) => [f.path, f]));
  return [...new Set(image.unowned)]
    .sort(compareText)
    .map((p) => byPath.get(p))
    .filter((f): f is InventoryFile => f !== undefined);
}

/** `Name <email>` (RFC 5322-ish, as Debian writes Maintainer) split into its parts. */
export function parseMaintainer(text: string): { name: string; email?: string } {
  const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (!m) return { name: text.trim() };
  return { name: m[1] || m[2]!, email: m[2]! };
}

/** A UUID (RFC 9562 version 8: custom, here the first 122 bits of sha256(text)), lower-case. */
export function uuidFrom(text: string): string {
  const hex = sha256(text).slice('sha256:'.length);
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = `${hex.slice(0, 12)}8${hex.slice(13, 16)}${variant}${hex.slice(17, 32)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The hex part of a `sha256:` digest, if it is one. */
export function sha256Hex(digest: string | undefined): string | undefined {
  return digest && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest.slice('sha256:'.length) : undefined;
}

/** Octal permission bits as `0755`. */
export function octalMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
