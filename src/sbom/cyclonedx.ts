// CycloneDX JSON (1.6, or 1.5 on request) for an inventory: the image as metadata.component (type
// container, pkg:oci purl), per image one operating-system component, every dpkg package as a library or
// application with its purl as bom-ref, the regular files no package owns as file components with their
// sha256, and the dependency graph (image → OS → packages, package → the present packages of its Depends).
// Deterministic: the serial number is derived from the digest and the timestamp from the given epoch.

import type { Inventory } from '../inventory/index.ts';
import { compareText } from '../util/index.ts';
import { imageName, imagePurl } from './image-name.ts';
import {
  type CycloneDxOptions,
  type CycloneDxVersion,
  cycloneDxVersion,
  octalMode,
  parseMaintainer,
  SBOM_TOOL,
  type SbomImage,
  sbomImages,
  sha256Hex,
  timestampOf,
  uuidFrom,
} from './model.ts';
import { languagePurl, runtimePurl, splitEpoch } from './purl.ts';

export interface CdxHash {
  alg: 'SHA-256';
  content: string;
}

export interface CdxProperty {
  name: string;
  value: string;
}

export interface CdxOrganizationalEntity {
  name: string;
  contact?: { email: string }[];
}

export interface CdxComponent {
  type: 'container' | 'operating-system' | 'library' | 'application' | 'file';
  'bom-ref'?: string;
  supplier?: CdxOrganizationalEntity;
  publisher?: string;
  name: string;
  version?: string;
  description?: string;
  hashes?: CdxHash[];
  purl?: string;
  /** SPDX identifiers where known, else the names as declared. */
  licenses?: CdxLicense[];
  externalReferences?: { type: 'website'; url: string }[];
  properties?: CdxProperty[];
}

export type CdxLicense = { license: { id: string } } | { license: { name: string } };

export interface CdxDependency {
  ref: string;
  dependsOn: string[];
}

/** The subset of the CycloneDX 1.5/1.6 JSON model pith writes. */
export interface CycloneDxDocument {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: CycloneDxVersion;
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    /** 1.6: the tools as components; 1.5: the legacy list, which readers built for 1.4 and 1.5 parse. */
    tools: { components: CdxComponent[] } | { vendor: string; name: string; version: string }[];
    component: CdxComponent;
  };
  components: CdxComponent[];
  dependencies: CdxDependency[];
}

/** Property names pith writes (its own `pith:` namespace, per the CycloneDX property taxonomy rules). */
export const CDX_PROPERTIES = {
  platform: 'pith:platform',
  source: 'pith:package:source',
  sourceVersion: 'pith:package:source-version',
  database: 'pith:package:database',
  record: 'pith:package:record',
  installedSize: 'pith:package:installed-size-kib',
  codename: 'pith:os:version-codename',
  layer: 'pith:file:layer',
  mode: 'pith:file:mode',
  size: 'pith:file:size',
  path: 'pith:path',
  /** How many of a package's files the image holds, and how many it left out (documentation, for pith's). */
  filesPresent: 'pith:package:files-present',
  filesAbsent: 'pith:package:files-absent',
  /** The chisel slices of an Ubuntu package that were cut. */
  slices: 'pith:package:chisel-slices',
} as const;

/**
 * The source package under trivy's registered `aquasecurity:trivy:` names: trivy reads an OS package's
 * source only from these (not from the purl's `upstream`), and without them it matches a CVE against the
 * binary name (libc6, not glibc) and misses it. Checked by test/e2e/trivy-oracle.test.ts.
 */
export const TRIVY_SOURCE_PROPERTIES = {
  name: 'aquasecurity:trivy:SrcName',
  version: 'aquasecurity:trivy:SrcVersion',
  epoch: 'aquasecurity:trivy:SrcEpoch',
} as const;

/** The CycloneDX document of `inv`. The same inventory and options always give the same document. */
export function toCycloneDx(inv: Inventory, opts: CycloneDxOptions): CycloneDxDocument {
  const specVersion = cycloneDxVersion(opts.specVersion);
  const timestamp = timestampOf(opts.epoch);
  const name = imageName(inv.reference);
  const rootPurl = imagePurl(name, inv.digest);
  const rootHash = sha256Hex(inv.digest);
  const root: CdxComponent = {
    type: 'container',
    'bom-ref': rootPurl,
    name: name.name,
    version: inv.digest,
    ...(rootHash ? { hashes: [{ alg: 'SHA-256', content: rootHash }] } : {}),
    purl: rootPurl,
  };
  const images = sbomImages(inv);
  const refs = new Refs(images.length > 1);
  const components: CdxComponent[] = [];
  const dependencies: CdxDependency[] = [];
  const rootDeps: string[] = [];
  for (const img of images) {
    const { components: c, dependencies: d, top } = imageComponents(img, refs);
    components.push(...c);
    dependencies.push(...d);
    rootDeps.push(...top);
  }
  dependencies.push({ ref: rootPurl, dependsOn: rootDeps });
  return {
    $schema: `http://cyclonedx.org/schema/bom-${specVersion}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion,
    serialNumber: `urn:uuid:${uuidFrom(`pith cyclonedx ${specVersion} ${inv.digest}`)}`,
    version: 1,
    metadata: {
      timestamp,
      tools:
        specVersion === '1.5'
          ? [{ vendor: SBOM_TOOL.name, name: SBOM_TOOL.name, version: SBOM_TOOL.version }]
          : { components: [{ type: 'application', name: SBOM_TOOL.name, version: SBOM_TOOL.version }] },
      component: root,
    },
    components,
    dependencies: dependencies
      .map((d) => ({ ref: d.ref, dependsOn: [...new Set(d.dependsOn)].sort(compareText) }))
      .sort((a, b) => compareText(a.ref, b.ref)),
  };
}

/** bom-refs unique in the document: prefixed with the image's key when there are several images. */
class Refs {
  readonly #seen = new Set<string>();
  readonly #prefixed: boolean;
  constructor(prefixed: boolean) {
    this.#prefixed = prefixed;
  }
  make(img: SbomImage, ref: string): string {
    const base = this.#prefixed ? `${img.key}:${ref}` : ref;
    let out = base;
    for (let n = 2; this.#seen.has(out); n++) out = `${base}#${n}`;
    this.#seen.add(out);
    return out;
  }
}

/** trivy's source properties: the name, and the version split from its epoch as trivy splits it. */
function trivySource(source: { name: string; version: string }): CdxProperty[] {
  const { epoch, version } = splitEpoch(source.version);
  return [
    { name: TRIVY_SOURCE_PROPERTIES.name, value: source.name },
    { name: TRIVY_SOURCE_PROPERTIES.version, value: version },
    ...(epoch ? [{ name: TRIVY_SOURCE_PROPERTIES.epoch, value: epoch }] : []),
  ];
}

function imageComponents(img: SbomImage, refs: Refs) {
  const platform = img.image.platform;
  const withPlatform = (props: (CdxProperty | undefined)[]): CdxProperty[] =>
    [...(platform ? [{ name: CDX_PROPERTIES.platform, value: platform }] : []), ...props]
      .filter((p): p is CdxProperty => p !== undefined)
      .sort((a, b) => compareText(a.name, b.name) || compareText(a.value, b.value));
  const prop = (name: string, value: string | number | undefined): CdxProperty | undefined =>
    value === undefined || value === '' ? undefined : { name, value: String(value) };
  const components: CdxComponent[] = [];
  const dependencies: CdxDependency[] = [];

  let osRef: string | undefined;
  if (img.os) {
    const { id, version, info } = img.os;
    osRef = refs.make(img, `os:${id}${version ? `@${version}` : ''}`);
    components.push({
      type: 'operating-system',
      'bom-ref': osRef,
      name: id,
      ...(version ? { version } : {}),
      ...(info.prettyName ? { description: info.prettyName } : {}),
      properties: withPlatform([prop(CDX_PROPERTIES.codename, info.versionCodename)]),
    });
  }

  const pkgRefs = img.packages.map((p) => refs.make(img, p.purl));
  img.packages.forEach(({ pkg, purl, depends }, i) => {
    const maintainer = pkg.maintainer ? parseMaintainer(pkg.maintainer) : undefined;
    const homepage = pkg.homepage && URL.canParse(pkg.homepage) ? pkg.homepage : undefined;
    components.push({
      // every OS package is a library component, as syft and trivy write them (trivy reads only those)
      type: 'library',
      'bom-ref': pkgRefs[i]!,
      ...(maintainer
        ? {
            supplier: {
              name: maintainer.name,
              ...(maintainer.email ? { contact: [{ email: maintainer.email }] } : {}),
            },
            publisher: pkg.maintainer,
          }
        : {}),
      name: pkg.name,
      version: pkg.version,
      ...(pkg.summary ? { description: pkg.summary } : {}),
      purl,
      ...(pkg.licenses?.length ? { licenses: cdxLicenses(pkg.licenses) } : {}),
      ...(homepage ? { externalReferences: [{ type: 'website' as const, url: homepage }] } : {}),
      properties: withPlatform([
        prop(CDX_PROPERTIES.source, pkg.source.name),
        prop(CDX_PROPERTIES.sourceVersion, pkg.source.version),
        prop(CDX_PROPERTIES.database, pkg.database),
        prop(CDX_PROPERTIES.record, `/${pkg.recordPath}`),
        prop(CDX_PROPERTIES.installedSize, pkg.installedSize),
        prop(CDX_PROPERTIES.filesPresent, pkg.files.length),
        prop(CDX_PROPERTIES.filesAbsent, pkg.absent?.length ?? 0),
        prop(CDX_PROPERTIES.slices, pkg.slices?.join(' ')),
        ...trivySource(pkg.source),
      ]),
    });
    dependencies.push({ ref: pkgRefs[i]!, dependsOn: depends.map((d) => pkgRefs[d]!) });
  });

  // npm, Python, Go and Java packages, by their manifests, executables and archives
  const langRefs = new Map<string, string>();
  for (const lp of img.image.languagePackages) {
    const purl = languagePurl(lp);
    const ref = refs.make(img, `${purl}#/${lp.path}`);
    if (lp.type === 'npm') langRefs.set(lp.path, ref);
    components.push({
      type: 'library',
      'bom-ref': ref,
      name: lp.name,
      version: lp.version,
      purl,
      ...(lp.licenses?.length ? { licenses: lp.licenses.map((name) => ({ license: { name } })) } : {}),
      properties: withPlatform([prop(CDX_PROPERTIES.path, `/${lp.path}`)]),
    });
  }

  // npm's installed graph, as Node resolves each package's dependencies
  for (const lp of img.image.languagePackages) {
    const from = langRefs.get(lp.path);
    const to = (lp.dependsOn ?? []).flatMap((p) => langRefs.get(p) ?? []);
    if (from && to.length) dependencies.push({ ref: from, dependsOn: to });
  }

  // runtimes no package installed (a Node.js tarball, an unpacked JDK): syft's generic binary purls
  for (const r of img.image.runtimes.filter((x) => x.package === undefined)) {
    const purl = runtimePurl(r);
    components.push({
      type: 'application',
      'bom-ref': refs.make(img, `${purl}#/${r.path}`),
      name: r.name,
      version: r.version,
      purl,
      ...(r.vendor ? { publisher: r.vendor } : {}),
      properties: withPlatform([prop(CDX_PROPERTIES.path, `/${r.path}`)]),
    });
  }

  for (const f of img.files) {
    const hex = sha256Hex(f.sha256);
    components.push({
      type: 'file',
      'bom-ref': refs.make(img, `file:/${f.path}`),
      name: `/${f.path}`,
      ...(hex ? { hashes: [{ alg: 'SHA-256', content: hex }] } : {}),
      properties: withPlatform([
        prop(CDX_PROPERTIES.layer, f.layer),
        prop(CDX_PROPERTIES.mode, octalMode(f.mode)),
        prop(CDX_PROPERTIES.size, f.size),
      ]),
    });
  }

  // trivy's reading: the OS component's dependencies are the OS packages
  if (osRef) dependencies.push({ ref: osRef, dependsOn: pkgRefs });
  return { components, dependencies, top: osRef ? [osRef] : pkgRefs };
}

/** A package's licences as CycloneDX licence choices: SPDX ids where known, else names; each once. */
function cdxLicenses(licenses: readonly { name: string; spdx?: string }[]): CdxLicense[] {
  const seen = new Set<string>();
  const out: CdxLicense[] = [];
  for (const l of licenses) {
    const key = l.spdx ? `id ${l.spdx}` : `name ${l.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(l.spdx ? { license: { id: l.spdx } } : { license: { name: l.name } });
  }
  return out;
}
