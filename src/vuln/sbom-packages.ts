// The packages an SBOM lists, for `pith scan --sbom`: CycloneDX JSON (components, nested ones included,
// by purl) or SPDX 2.3 JSON (packages' `purl` external references), whoever wrote it (pith, syft,
// trivy). Debian purls give back what matching needs: the version with its epoch (trivy's `epoch=`
// qualifier, or syft's epoch in the version), the source package from `upstream=NAME[@VERSION]`, and the
// release from `distro=debian-13`. The image is the CycloneDX metadata component, or SPDX's CONTAINER.
import { parsePurl } from '../sbom/index.ts';
import { vulnError } from './error-codes.ts';
import { isObject } from './json-object.ts';
import type { ScanPackage } from './match.ts';

export interface SbomContents {
  format: 'cyclonedx' | 'spdx';
  packages: ScanPackage[];
  /** From the first Debian purl's distro qualifier: `{ id: 'debian', versionId: '13' }`. */
  os?: { id: string; versionId: string };
  /** The image the SBOM describes, when it says: its name and `pkg:oci` purl (with the digest). */
  image?: { name: string; purl?: string; digest?: string };
}

const MAX_COMPONENTS = 1_000_000;

/** Reads the packages of a parsed SBOM document; `name` names it in errors. */
export function sbomPackages(name: string, json: unknown): SbomContents {
  if (!isObject(json)) throw vulnError('SBOM_UNREADABLE', `${name}: an SBOM must be a JSON object`);
  if (json['bomFormat'] === 'CycloneDX') return fromCycloneDx(json);
  if (typeof json['spdxVersion'] === 'string') return fromSpdx(json);
  throw vulnError('SBOM_UNREADABLE', `${name}: neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON`);
}

function fromCycloneDx(doc: Record<string, unknown>): SbomContents {
  const purls: string[] = [];
  const walk = (list: unknown, depth: number) => {
    if (!Array.isArray(list) || depth > 32) return;
    for (const c of list) {
      if (!isObject(c)) continue;
      if (typeof c['purl'] === 'string' && purls.length < MAX_COMPONENTS) purls.push(c['purl']);
      walk(c['components'], depth + 1);
    }
  };
  walk(doc['components'], 0);
  const meta = isObject(doc['metadata']) ? doc['metadata'] : {};
  const root = isObject(meta['component']) ? meta['component'] : undefined;
  return withImage({ format: 'cyclonedx', ...fromPurls(purls) }, root?.['name'], root?.['purl']);
}

function fromSpdx(doc: Record<string, unknown>): SbomContents {
  const purls: string[] = [];
  let image: Record<string, unknown> | undefined;
  for (const p of Array.isArray(doc['packages']) ? doc['packages'] : []) {
    if (!isObject(p)) continue;
    const refs = Array.isArray(p['externalRefs']) ? p['externalRefs'] : [];
    const purl = refs.find((r) => isObject(r) && r['referenceType'] === 'purl')?.['referenceLocator'];
    if (p['primaryPackagePurpose'] === 'CONTAINER') image = { name: p['name'], purl };
    else if (typeof purl === 'string' && purls.length < MAX_COMPONENTS) purls.push(purl);
  }
  return withImage({ format: 'spdx', ...fromPurls(purls) }, image?.['name'], image?.['purl']);
}

function withImage(out: SbomContents, name: unknown, purl: unknown): SbomContents {
  if (typeof name !== 'string') return out;
  const p = typeof purl === 'string' ? parsePurl(purl) : undefined;
  const digest = p?.type === 'oci' && p.version?.startsWith('sha256:') ? p.version : undefined;
  return {
    ...out,
    image: { name, ...(typeof purl === 'string' ? { purl } : {}), ...(digest ? { digest } : {}) },
  };
}

function fromPurls(purls: string[]): Pick<SbomContents, 'packages' | 'os'> {
  const packages: ScanPackage[] = [];
  let os: SbomContents['os'];
  const seen = new Set<string>();
  for (const text of purls) {
    const p = parsePurl(text);
    if (!p?.version || seen.has(text)) continue;
    seen.add(text);
    if (p.type === 'deb') {
      const q = p.qualifiers ?? {};
      const epoch = q['epoch'];
      const version =
        epoch && epoch !== '0' && !p.version.includes(':') ? `${epoch}:${p.version}` : p.version;
      const [srcName, srcVersion] = (q['upstream'] ?? '').split('@');
      const distro = /^([a-z]+)-(.+)$/.exec(q['distro'] ?? '');
      if (distro && !os) os = { id: distro[1] as string, versionId: distro[2] as string };
      packages.push({
        type: 'deb',
        name: p.name,
        version,
        purl: text,
        source: { name: srcName || p.name, version: srcVersion || version },
      });
    } else if (p.type === 'npm' || p.type === 'pypi' || p.type === 'golang' || p.type === 'maven') {
      const name = p.namespace ? `${p.namespace}${p.type === 'maven' ? ':' : '/'}${p.name}` : p.name;
      packages.push({ type: p.type, name, version: p.version, purl: text });
    }
  }
  return { packages, ...(os ? { os } : {}) };
}
