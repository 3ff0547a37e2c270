// SPDX 2.3 JSON for an inventory: the document DESCRIBES the image (a CONTAINER package with its pkg:oci
// purl and digest); the image CONTAINS its operating system (OPERATING_SYSTEM), which CONTAINS the dpkg
// packages (purl as a PACKAGE-MANAGER external reference, the maintainer as supplier, the source package as
// sourceInfo, licences NOASSERTION, filesAnalyzed false), and the image CONTAINS the regular files no
// package owns (SHA256 checksums); packages DEPENDS_ON the present packages of their Depends. With several
// platforms the document's image is the index, which CONTAINS one CONTAINER package per platform.
// Deterministic: the namespace is derived from the digest, `created` from the given epoch.
import type { Inventory } from '../inventory/index.ts';
import { type Digest, sha256 } from '../util/index.ts';
import { type ImageName, imageName, imagePurl } from './image-name.ts';
import {
  parseMaintainer,
  SBOM_TOOL,
  type SbomImage,
  type SpdxOptions,
  sbomImages,
  sha256Hex,
  timestampOf,
  uuidFrom,
} from './model.ts';
import { languagePurl, runtimePurl } from './purl.ts';

export type SpdxPurpose = 'CONTAINER' | 'OPERATING_SYSTEM' | 'LIBRARY' | 'APPLICATION';

export interface SpdxChecksum {
  algorithm: 'SHA256';
  checksumValue: string;
}

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER';
  referenceType: 'purl';
  referenceLocator: string;
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  checksums?: SpdxChecksum[];
  homepage?: string;
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  /** What pith read about the licences without concluding an expression (DEP-5 short names). */
  licenseComments?: string;
  copyrightText: string;
  summary?: string;
  description?: string;
  comment?: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose: SpdxPurpose;
}

export interface SpdxFile {
  SPDXID: string;
  fileName: string;
  checksums: SpdxChecksum[];
  licenseConcluded: string;
  copyrightText: string;
  comment?: string;
}

export type SpdxRelationshipType = 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON';

export interface SpdxRelationship {
  spdxElementId: string;
  relatedSpdxElement: string;
  relationshipType: SpdxRelationshipType;
}

/** The subset of the SPDX 2.3 JSON model pith writes. */
export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  files: SpdxFile[];
  relationships: SpdxRelationship[];
}

const NOASSERTION = 'NOASSERTION';
/** SPDX 2.3 §3.3: `SPDXRef-` followed by letters, digits, `.` and `-`. */
export const SPDX_ID_RE = /^SPDXRef-[A-Za-z0-9.-]+$/;

/** The SPDX document of `inv`. The same inventory and options always give the same document. */
export function toSpdx(inv: Inventory, opts: SpdxOptions): SpdxDocument {
  const created = timestampOf(opts.epoch);
  const name = imageName(inv.reference);
  const images = sbomImages(inv);
  const ids = new Ids();
  const packages: SpdxPackage[] = [];
  const files: SpdxFile[] = [];
  const relationships: SpdxRelationship[] = [];
  const rel = (a: string, type: SpdxRelationshipType, b: string) =>
    relationships.push({ spdxElementId: a, relatedSpdxElement: b, relationshipType: type });

  const single = images.length === 1 ? images[0] : undefined;
  const rootId = 'SPDXRef-Image';
  ids.claim(rootId);
  packages.push(
    container(rootId, name, inv.digest, {
      filesAnalyzed: (single?.files.length ?? 0) > 0,
      ...(single?.image.platform ? { comment: `platform ${single.image.platform}` } : {}),
    }),
  );
  rel('SPDXRef-DOCUMENT', 'DESCRIBES', rootId);

  for (const img of images) {
    let imageId = rootId;
    if (!single) {
      imageId = ids.make('Image', img.key, `image ${img.key}`);
      const arch = img.image.platform?.split('/')[1];
      packages.push(
        container(imageId, name, img.image.digest, {
          filesAnalyzed: img.files.length > 0,
          arch,
          comment: `platform ${img.key}`,
        }),
      );
      rel(rootId, 'CONTAINS', imageId);
    }
    imagePackages(img, imageId, ids, packages, files, rel);
  }

  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: name.name,
    documentNamespace: `https://spdx.org/spdxdocs/${SBOM_TOOL.name}/${slug(name.purlName)}-${uuidFrom(`pith spdx 2.3 ${inv.digest}`)}`,
    creationInfo: { created, creators: [`Tool: ${SBOM_TOOL.name}-${SBOM_TOOL.version}`] },
    packages,
    files,
    relationships,
  };
}

function container(
  id: string,
  name: ImageName,
  digest: Digest,
  opts: { filesAnalyzed: boolean; arch?: string | undefined; comment?: string },
): SpdxPackage {
  const hex = sha256Hex(digest);
  return {
    SPDXID: id,
    name: name.name,
    versionInfo: digest,
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    filesAnalyzed: opts.filesAnalyzed,
    ...(hex ? { checksums: [{ algorithm: 'SHA256' as const, checksumValue: hex }] } : {}),
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    ...(opts.comment ? { comment: opts.comment } : {}),
    externalRefs: [purlRef(imagePurl(name, digest, { arch: opts.arch }))],
    primaryPackagePurpose: 'CONTAINER',
  };
}

function imagePackages(
  img: SbomImage,
  imageId: string,
  ids: Ids,
  packages: SpdxPackage[],
  files: SpdxFile[],
  rel: (a: string, type: SpdxRelationshipType, b: string) => void,
): void {
  let parent = imageId;
  if (img.os) {
    const { id, version, info } = img.os;
    const osId = ids.make('OperatingSystem', `${id}-${version ?? ''}`, `os ${img.key}`);
    packages.push({
      SPDXID: osId,
      name: id,
      ...(version ? { versionInfo: version } : {}),
      ...UNKNOWN_PROVENANCE,
      ...(info.prettyName ? { description: info.prettyName } : {}),
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    rel(imageId, 'CONTAINS', osId);
    parent = osId;
  }

  const pkgIds = img.packages.map((p, i) =>
    ids.make('Package-deb', `${p.pkg.name}-${p.pkg.architecture}`, `deb ${img.key} ${p.purl} ${i}`),
  );
  img.packages.forEach(({ pkg, purl, kind }, i) => {
    const maintainer = pkg.maintainer ? parseMaintainer(pkg.maintainer) : undefined;
    const homepage = pkg.homepage && URL.canParse(pkg.homepage) ? pkg.homepage : undefined;
    packages.push({
      SPDXID: pkgIds[i]!,
      name: pkg.name,
      versionInfo: pkg.version,
      supplier: maintainer
        ? `Person: ${maintainer.name}${maintainer.email ? ` (${maintainer.email})` : ''}`
        : NOASSERTION,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      ...(homepage ? { homepage } : {}),
      // trivy's wording, which it parses back into the source package it matches CVEs by
      sourceInfo: `built package from: ${pkg.source.name} ${pkg.source.version}`,
      licenseConcluded: NOASSERTION,
      licenseDeclared: NOASSERTION,
      copyrightText: NOASSERTION,
      ...(pkg.summary ? { summary: pkg.summary } : {}),
      comment: `recorded in /${pkg.recordPath} (${pkg.database})`,
      ...(pkg.licenses?.length
        ? {
            licenseComments: `its Debian copyright file (DEP-5) declares: ${pkg.licenses.map((l) => l.name).join(', ')}`,
          }
        : {}),
      externalRefs: [purlRef(purl)],
      primaryPackagePurpose: kind === 'application' ? 'APPLICATION' : 'LIBRARY',
    });
    rel(parent, 'CONTAINS', pkgIds[i]!);
  });
  img.packages.forEach(({ depends }, i) => {
    for (const d of depends) rel(pkgIds[i]!, 'DEPENDS_ON', pkgIds[d]!);
  });

  const langIds = new Map<string, string>();
  for (const lp of img.image.languagePackages) {
    const id = ids.make('Package', `${lp.type}-${lp.name}-${lp.version}`, `${lp.type} ${img.key} ${lp.path}`);
    if (lp.type === 'npm') langIds.set(lp.path, id);
    packages.push({
      SPDXID: id,
      name: lp.name,
      versionInfo: lp.version,
      ...UNKNOWN_PROVENANCE,
      comment: `${lp.type} package, manifest /${lp.path}${lp.licenses?.length ? `, declares licence ${lp.licenses.join(', ')}` : ''}`,
      externalRefs: [purlRef(languagePurl(lp))],
      primaryPackagePurpose: 'LIBRARY',
    });
    rel(imageId, 'CONTAINS', id);
  }

  for (const lp of img.image.languagePackages)
    for (const dep of lp.dependsOn ?? []) {
      const [from, to] = [langIds.get(lp.path), langIds.get(dep)];
      if (from && to) rel(from, 'DEPENDS_ON', to);
    }

  for (const r of img.image.runtimes.filter((x) => x.package === undefined)) {
    const id = ids.make('Package', `${r.name}-${r.version}`, `runtime ${img.key} ${r.path}`);
    packages.push({
      SPDXID: id,
      name: r.name,
      versionInfo: r.version,
      ...UNKNOWN_PROVENANCE,
      supplier: r.vendor ? `Organization: ${r.vendor}` : NOASSERTION,
      comment: `found at /${r.path}, installed without a package manager`,
      externalRefs: [purlRef(runtimePurl(r))],
      primaryPackagePurpose: 'APPLICATION',
    });
    rel(imageId, 'CONTAINS', id);
  }

  for (const f of img.files) {
    const hex = sha256Hex(f.sha256);
    if (!hex) continue; // every regular file of an inventory has its sha256; SPDX needs a checksum
    const fileId = ids.make('File', f.path, `file ${img.key} ${f.path}`);
    files.push({
      SPDXID: fileId,
      fileName: `./${f.path}`,
      checksums: [{ algorithm: 'SHA256', checksumValue: hex }],
      licenseConcluded: NOASSERTION,
      copyrightText: NOASSERTION,
      comment: `layer ${f.layer}, mode ${f.mode.toString(8).padStart(4, '0')}, ${f.size} bytes`,
    });
    rel(imageId, 'CONTAINS', fileId);
  }
}

/** The fields of a package whose origin and licences pith does not know (yet): SPDX's NOASSERTION. */
const UNKNOWN_PROVENANCE = {
  supplier: NOASSERTION,
  downloadLocation: NOASSERTION,
  filesAnalyzed: false,
  licenseConcluded: NOASSERTION,
  licenseDeclared: NOASSERTION,
  copyrightText: NOASSERTION,
} as const;

function purlRef(purl: string): SpdxExternalRef {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

/** Letters, digits, `.` and `-` only (what an SPDX id may hold), at most 64 characters. */
function slug(text: string): string {
  const s = text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return (s || 'x').slice(0, 64);
}

/**
 * SPDX ids unique in the document: `SPDXRef-KIND-LABEL-HASH`, the label made valid and the hash (of the
 * element's identity) keeping ids apart whose labels collapse to the same text.
 */
class Ids {
  readonly #seen = new Set<string>();
  claim(id: string): void {
    this.#seen.add(id);
  }
  make(kind: string, label: string, identity: string): string {
    const base = `SPDXRef-${kind}-${slug(label)}-${sha256(identity).slice(7, 23)}`;
    let id = base;
    for (let n = 2; this.#seen.has(id); n++) id = `${base}-${n}`;
    this.#seen.add(id);
    return id;
  }
}
