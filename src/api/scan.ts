// `scan`: what in an image is vulnerable or stale. With feeds (the Debian security tracker JSON, OSV
// records; paths or URLs, cached), every package is matched (vuln/match.ts) and the findings filtered by
// OpenVEX statements, by fix state and by severity. Without feeds — or with `updates: true` — every Debian
// package is compared with the newest version its suite carries (suite, -updates, -security, read through
// pith's verified indexes as a build reads them): a newer one is a published fix the image lacks. The
// input is an image from any transport, or an SBOM (CycloneDX or SPDX, pith's or another tool's).
import { resolve } from 'node:path';
import { compareVersions } from '../apt-repo/index.ts';
import { loadConfig, platformArch } from '../config/index.ts';
import type { ImageInventory, Inventory, OsInfo } from '../inventory/index.ts';
import { parsePlatform } from '../oci/index.ts';
import { imageName, imagePurl, languagePurl, osPackagePurl, SBOM_TOOL } from '../sbom/index.ts';
import { checkEpoch, PithError, readUserFile } from '../util/index.ts';
import {
  applyVex,
  type DebianRelease,
  debianRelease,
  type FeedSet,
  type FeedSummary,
  type Finding,
  loadFeeds,
  matchPackages,
  outOfSupport,
  readOpenVexFile,
  releaseNamed,
  type ScanPackage,
  SEVERITIES,
  type Severity,
  type SuppressedFinding,
  sbomPackages,
  toCycloneDxVulnerabilities,
  toSarif,
  type VexStatement,
  vulnError,
} from '../vuln/index.ts';
import type { Context } from './context.ts';
import { debianSession } from './debian-session.ts';
import { inventory } from './inventory.ts';
import { SCAN_DOCUMENT_FORMATS, type ScanDocumentFormat } from './scan-findings.ts';

export interface ScanRequest {
  /** Any transport reference (give this or `sbom`). */
  reference?: string;
  /** An SBOM file (CycloneDX or SPDX JSON) to scan instead of an image. */
  sbom?: string;
  /** Vulnerability feeds: paths (file, directory, zip) or http(s) URLs. Default: the config's `scan.feeds`. */
  feeds?: string[];
  /** OpenVEX documents whose not_affected and fixed statements suppress findings. */
  vex?: string[];
  /** Report only findings with a published fix. */
  ignoreUnfixed?: boolean;
  /** Report only these severities (default: all). */
  severities?: Severity[];
  /** Compare packages with the suite's newest versions (default: when no feed is given). */
  updates?: boolean;
  /** A pith.yaml whose `scan:` section gives defaults (feeds, vex, ignoreUnfixed); relative paths in it resolve against its directory. */
  config?: string;
  /** Also render the findings as a document: SARIF 2.1.0 or a CycloneDX 1.6 vulnerability BOM. */
  document?: ScanDocumentFormat;
  /** Time recorded in a CycloneDX document (default: the context's SOURCE_DATE_EPOCH, else 0). */
  epoch?: number;
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
  /** The Debian release, and whether its security support (LTS included) has ended. */
  release?: { codename: string; version?: string; supportEnds?: string; outOfSupport: boolean };
  /** Vulnerabilities found (after VEX and filters), worst first. */
  findings: Finding[];
  /** Findings a VEX statement suppressed. */
  suppressed: SuppressedFinding[];
  /** Findings by severity. */
  counts: Record<Severity, number>;
  /** Packages with a newer version in the suite, by name (when the suite was read). */
  updates: PackageUpdate[];
  /** Packages the suite does not carry at all (installed from elsewhere, or removed since). */
  notInSuite: string[];
  /** Why the suite was not read for updates (no Debian os-release, a suite pith does not read, no dpkg data). */
  skipped?: string;
}

export interface ScanReport {
  reference: string;
  digest: string;
  /** The image as SBOMs and VEX name it: its name and `pkg:oci` purl (with the top digest). */
  image: { name: string; purl: string };
  /** The feeds matched against, with how many entries each gave. */
  feeds: FeedSummary[];
  images: ImageScan[];
  /** The document asked for (`document`), as JSON text. */
  document?: string;
}

/** Scans every image (platform) of the reference, or the SBOM. */
export async function scan(ctx: Context, req: ScanRequest): Promise<ScanReport> {
  if (!req.reference === !req.sbom)
    throw new PithError(
      'usage',
      'SCAN_TARGET',
      'scan needs exactly one of an image reference and an SBOM file',
    );
  if (req.document !== undefined && !SCAN_DOCUMENT_FORMATS.includes(req.document))
    throw new PithError(
      'usage',
      'UNSUPPORTED_SCAN_FORMAT',
      `document format ${req.document}: use ${SCAN_DOCUMENT_FORMATS.join(' or ')}`,
    );
  for (const s of req.severities ?? [])
    if (!SEVERITIES.includes(s))
      throw new PithError('usage', 'BAD_SEVERITY', `severity ${s}: use one of ${SEVERITIES.join(', ')}`);
  const epoch = req.epoch === undefined ? undefined : checkEpoch(req.epoch, 'epoch');
  const report = await scanTarget(ctx, req);
  if (req.document === 'sarif') report.document = `${JSON.stringify(scanSarif(report), null, 2)}\n`;
  if (req.document === 'cyclonedx')
    report.document = `${JSON.stringify(scanCycloneDx(report, epoch ?? ctx.epoch()), null, 2)}\n`;
  return report;
}

async function scanTarget(ctx: Context, req: ScanRequest): Promise<ScanReport> {
  const opts = await withConfigDefaults(req);
  const feeds = await feedSet(ctx, opts.feeds ?? []);
  const statements = await readVexFiles(opts.vex ?? []);
  if (req.sbom) return scanSbom(req.sbom, feeds, statements, opts);
  const reference = req.reference as string;
  return scanInventory(ctx, await inventory(ctx, reference), feeds, opts, statements);
}

/** The feeds at these paths or URLs, loaded (URLs cached and revalidated) into one set. */
export function feedSet(ctx: Context, paths: readonly string[]): Promise<FeedSet> {
  return loadFeeds(paths, {
    cacheDir: ctx.settings.cacheDir,
    offline: ctx.settings.offline,
    network: ctx.network(),
    onWarning: (message) => ctx.emit({ type: 'warning', code: 'FEED_FROM_CACHE', message }),
  });
}

/** The scan of an inventory already taken (by scan itself, or by compare along with its audit). */
export async function scanInventory(
  ctx: Context,
  inv: Inventory,
  feeds: FeedSet,
  opts: ScanRequest,
  statements: VexStatement[] = [],
): Promise<ScanReport> {
  const wantUpdates = opts.updates ?? feeds.empty;
  const name = imageName(inv.reference);
  const images: ImageScan[] = [];
  for (const img of inv.images) {
    const packages = scanPackages(img);
    const release = debianRelease(img.os);
    const subject = { name: name.purlName, digests: [inv.digest, img.digest] };
    const found = findings(feeds, packages, release, statements, subject, opts);
    const updates = wantUpdates ? await suiteUpdates(ctx, opts, img) : { updates: [], notInSuite: [] };
    images.push({
      ...(img.platform ? { platform: img.platform } : {}),
      digest: img.digest,
      ...(updates.suite ? { suite: updates.suite } : {}),
      ...releaseInfo(release),
      ...found,
      updates: updates.updates,
      notInSuite: updates.notInSuite,
      ...(updates.skipped ? { skipped: updates.skipped } : {}),
    });
  }
  const image = { name: name.name, purl: imagePurl(name, inv.digest) };
  return { reference: inv.reference, digest: inv.digest, image, feeds: feeds.summaries, images };
}

/** The request with the config's `scan:` defaults filled in. */
async function withConfigDefaults(req: ScanRequest): Promise<ScanRequest> {
  if (!req.config) return req;
  const loaded = await loadConfig(req.config);
  const s = loaded.config.scan ?? {};
  const at = (p: string) => (/^https?:\/\//i.test(p) ? p : resolve(loaded.baseDir, p));
  return {
    ...req,
    ...(req.feeds === undefined && s.feeds ? { feeds: s.feeds.map(at) } : {}),
    ...(req.vex === undefined && s.vex ? { vex: s.vex.map(at) } : {}),
    ...(req.ignoreUnfixed === undefined && s.ignoreUnfixed !== undefined
      ? { ignoreUnfixed: s.ignoreUnfixed }
      : {}),
    ...(req.severities === undefined && s.severities ? { severities: s.severities } : {}),
  };
}

async function readVexFiles(paths: readonly string[]): Promise<VexStatement[]> {
  const out: VexStatement[] = [];
  for (const path of paths) out.push(...(await readOpenVexFile(path, 256 << 20)).statements);
  return out;
}

function findings(
  feeds: FeedSet,
  packages: ScanPackage[],
  release: DebianRelease | undefined,
  statements: VexStatement[],
  subject: { name: string; digests: string[] },
  req: ScanRequest,
): Pick<ImageScan, 'findings' | 'suppressed' | 'counts'> {
  const matched = matchPackages(feeds, packages, release);
  const { findings: kept, suppressed } = applyVex(matched, statements, subject);
  const wanted = (f: Finding) =>
    (!req.ignoreUnfixed || f.state === 'fixed') &&
    (!req.severities?.length || req.severities.includes(f.severity));
  const list = kept.filter(wanted);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of list) counts[f.severity]++;
  return { findings: list, suppressed: suppressed.filter(wanted), counts };
}

function releaseInfo(release: DebianRelease | undefined): Pick<ImageScan, 'release'> {
  if (!release) return {};
  const supportEnds = release.eolLts ?? release.eol;
  const today = new Date().toISOString().slice(0, 10);
  return {
    release: {
      codename: release.codename,
      ...(release.version ? { version: release.version } : {}),
      ...(supportEnds ? { supportEnds } : {}),
      outOfSupport: outOfSupport(release, today),
    },
  };
}

/** The packages of an image as matching sees them: OS packages and npm, PyPI, Go and Maven packages. */
export function scanPackages(img: ImageInventory): ScanPackage[] {
  const os: OsInfo | undefined = img.os;
  return [
    ...img.packages.map((p) => ({
      type: p.type,
      name: p.name,
      version: p.version,
      purl: osPackagePurl(p, os),
      source: p.source,
      path: p.recordPath,
    })),
    ...img.languagePackages.map((p) => ({
      type: p.type,
      // a Maven artifact is named group:artifact, as OSV and trivy name it
      name: p.type === 'maven' && p.group ? `${p.group}:${p.name}` : p.name,
      version: p.version,
      purl: languagePurl(p),
      path: p.path,
    })),
  ];
}

async function scanSbom(
  path: string,
  feeds: FeedSet,
  statements: VexStatement[],
  req: ScanRequest,
): Promise<ScanReport> {
  const bytes = await readUserFile(path, 1 << 30, 'SBOM');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw vulnError('SBOM_UNREADABLE', `${path}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const contents = sbomPackages(path, json);
  const release = contents.os?.id === 'debian' ? releaseNamed(contents.os.versionId) : undefined;
  const digest = contents.image?.digest ?? '';
  const name = contents.image ? imageName(contents.image.name).purlName : 'image';
  const found = findings(
    feeds,
    contents.packages,
    release,
    statements,
    { name, digests: digest ? [digest] : [] },
    req,
  );
  return {
    reference: path,
    digest,
    image: { name: contents.image?.name ?? name, purl: contents.image?.purl ?? `pkg:oci/${name}` },
    feeds: feeds.summaries,
    images: [{ digest, ...releaseInfo(release), ...found, updates: [], notInSuite: [] }],
  };
}

async function suiteUpdates(
  ctx: Context,
  req: ScanRequest,
  img: ImageInventory,
): Promise<{ suite?: string; updates: PackageUpdate[]; notInSuite: string[]; skipped?: string }> {
  const suite = img.os?.id === 'debian' ? img.os.versionCodename : undefined;
  const skip = (skipped: string) => ({ updates: [], notInSuite: [], skipped });
  if (!suite) return skip(`no Debian os-release with a VERSION_CODENAME (os: ${img.os?.id ?? 'unknown'})`);
  if (img.packages.length === 0) return skip('no dpkg package database');
  const arch = img.platform ? platformArch(parsePlatform(img.platform)) : undefined;
  if (!arch) return skip(`platform ${img.platform ?? 'unknown'} has no Debian architecture`);
  const session = debianSession(ctx, suite, req);
  const universe = await session.universe(arch);
  const updates: PackageUpdate[] = [];
  const notInSuite: string[] = [];
  for (const pkg of img.packages) {
    if (pkg.type !== 'deb') continue;
    if (pkg.architecture !== arch && pkg.architecture !== 'all') continue; // a foreign architecture's
    const best = universe.byName.get(pkg.name)?.[0];
    if (!best) notInSuite.push(pkg.name);
    else if (compareVersions(best.version, pkg.version) > 0)
      updates.push({
        name: pkg.name,
        architecture: pkg.architecture,
        installed: pkg.version,
        available: best.version,
        origin: best.origin,
        source: pkg.source,
      });
  }
  return { suite, updates, notInSuite };
}

/** The report's findings (every image's) as SARIF 2.1.0. */
function scanSarif(report: ScanReport): Record<string, unknown> {
  return toSarif(
    report.images.flatMap((i) => i.findings),
    {
      tool: { name: SBOM_TOOL.name, version: SBOM_TOOL.version },
      image: `${report.reference}@${report.digest}`,
    },
  );
}

/** The report's findings (and those VEX suppressed, with their analysis) as a CycloneDX 1.6 BOM. */
function scanCycloneDx(report: ScanReport, epoch: number): Record<string, unknown> {
  return toCycloneDxVulnerabilities(
    report.images.flatMap((i) => i.findings),
    report.images.flatMap((i) => i.suppressed),
    { image: { ...report.image, digest: report.digest }, epoch },
  );
}
