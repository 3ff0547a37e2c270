// `vex`: an OpenVEX v0.2.0 document for an image — the user's triage decisions plus what pith can prove
// itself: a finding in a package of which the image holds no file but documentation is
// `not_affected: component_not_present`. Products are the image as scanners name it (`pkg:oci/…@sha256:…`
// for the index and each platform manifest), subcomponents the packages in the scanners' purl shape: the
// ones the triage names, else those a feed matched for that vulnerability.
import { parseYamlDocument } from '../config/index.ts';
import type { ImageInventory, OsPackage } from '../inventory/index.ts';
import { imageName, imagePurl, languagePurl, osPackagePurl, SBOM_TOOL } from '../sbom/index.ts';
import { readUserFile, writeFileAtomic } from '../util/index.ts';
import {
  debianRelease,
  type Finding,
  loadFeeds,
  matchPackages,
  type Triage,
  triageSchema,
  type VexStatementInput,
  writeOpenVex,
} from '../vuln/index.ts';
import type { Context } from './context.ts';
import { inventory } from './inventory.ts';
import { scanPackages } from './scan.ts';

export interface VexRequest {
  /** Any transport reference. */
  reference: string;
  /** The triage file (YAML: author, statements). */
  triage?: string;
  /** Feeds to find the packages each vulnerability is in, and the findings pith can settle itself. */
  feeds?: string[];
  /** Author when the triage names none (default: pith). */
  author?: string;
  /** The document's timestamp (default: the context's SOURCE_DATE_EPOCH, else 0). */
  epoch?: number;
  /** Also write the document to this file (atomically). */
  output?: string;
}

export interface VexReport {
  /** The OpenVEX document. */
  json: string;
  /** Statements from the triage file. */
  triaged: number;
  /** Statements pith proved itself (component_not_present). */
  proven: number;
  output?: string;
}

const DOC_PATH = /^usr\/share\/(?:doc|man|info|lintian|doc-base)\//;

export async function vex(ctx: Context, req: VexRequest): Promise<VexReport> {
  const triage = req.triage ? await readTriage(req.triage) : { statements: [] };
  const feeds = await loadFeeds(req.feeds ?? [], {
    cacheDir: ctx.settings.cacheDir,
    offline: ctx.settings.offline,
    network: ctx.network(),
  });
  const inv = await inventory(ctx, req.reference);
  const name = imageName(req.reference);
  const perImage = inv.images.map((img) => ({
    img,
    product: imagePurl(name, img.digest),
    findings: matchPackages(feeds, scanPackages(img), debianRelease(img.os)),
  }));
  const indexProduct =
    inv.images.length > 1 || inv.images[0]?.digest !== inv.digest ? imagePurl(name, inv.digest) : undefined;
  const statements: VexStatementInput[] = [];
  const triaged = new Set<string>();
  for (const s of triage.statements) {
    triaged.add(s.vulnerability);
    const products = perImage.map(({ img, product, findings }) => ({
      id: product,
      subcomponents: s.packages
        ? packagePurls(img, new Set(s.packages))
        : findings
            .filter((f) => f.id === s.vulnerability || f.aliases.includes(s.vulnerability))
            .map((f) => f.package.purl),
    }));
    statements.push({
      vulnerability: s.vulnerability,
      status: s.status,
      ...(s.justification ? { justification: s.justification } : {}),
      ...(s.impact_statement ? { impactStatement: s.impact_statement } : {}),
      ...(s.action_statement ? { actionStatement: s.action_statement } : {}),
      ...(s.status_notes ? { statusNotes: s.status_notes } : {}),
      products: withIndex(products, indexProduct),
    });
  }
  let proven = 0;
  for (const { img, product, findings } of perImage) {
    const dirs = new Set(findings.length ? img.files.filter((f) => f.type === 'dir').map((f) => f.path) : []);
    for (const f of findings) {
      if (triaged.has(f.id)) continue;
      const pkg = img.packages.find((p) => p.name === f.package.name && p.version === f.package.version);
      if (!pkg || !onlyDocumentation(pkg, dirs)) continue;
      proven++;
      statements.push(
        notPresent(f, pkg, withIndex([{ id: product, subcomponents: [f.package.purl] }], indexProduct)),
      );
    }
  }
  const epoch = req.epoch ?? ctx.epoch();
  const json = writeOpenVex({
    author: triage.author ?? req.author ?? SBOM_TOOL.name,
    timestamp: new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z'),
    tooling: `${SBOM_TOOL.name} ${SBOM_TOOL.version}`,
    statements,
  });
  if (req.output) await writeFileAtomic(req.output, Buffer.from(json), { signal: ctx.signal });
  return { json, triaged: triage.statements.length, proven, ...(req.output ? { output: req.output } : {}) };
}

async function readTriage(path: string): Promise<Triage> {
  const bytes = await readUserFile(path, 4 << 20, 'triage file');
  return parseYamlDocument(bytes.toString('utf8'), path, triageSchema, 'TRIAGE_INVALID').value;
}

function withIndex(
  products: VexStatementInput['products'],
  index: string | undefined,
): VexStatementInput['products'] {
  if (!index) return products;
  return [{ id: index, subcomponents: [...new Set(products.flatMap((p) => p.subcomponents))] }, ...products];
}

function packagePurls(img: ImageInventory, names: Set<string>): string[] {
  return [
    ...img.packages.filter((p) => names.has(p.name)).map((p) => osPackagePurl(p, img.os)),
    ...img.languagePackages.filter((p) => names.has(p.name)).map(languagePurl),
  ];
}

/**
 * True when the package's md5sums lists files the image left out and every file of it the image holds is
 * documentation (directories it shares with others do not count).
 */
function onlyDocumentation(pkg: OsPackage, dirs: ReadonlySet<string>): boolean {
  return (pkg.absent?.length ?? 0) > 0 && pkg.files.every((f) => DOC_PATH.test(f) || dirs.has(f));
}

function notPresent(f: Finding, pkg: OsPackage, products: VexStatementInput['products']): VexStatementInput {
  return {
    vulnerability: f.id,
    status: 'not_affected',
    justification: 'component_not_present',
    impactStatement: `The image holds none of ${pkg.name}'s files but its documentation and package metadata (${pkg.absent?.length ?? 0} files left out).`,
    products,
  };
}
