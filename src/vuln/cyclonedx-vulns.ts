// Findings as a CycloneDX 1.6 vulnerability BOM (a VDR): the image as metadata.component, each affected
// package a component (bom-ref = its purl), and each vulnerability with its source, rating (the feed's
// severity; CVSS method, vector and score when known), affected package and version, the fix as a
// recommendation, and — for findings a VEX statement suppressed — an analysis (not_affected, resolved)
// with CycloneDX's justification for OpenVEX's. Deterministic: sorted, serial number from the content.

import { type CdxComponent, SBOM_TOOL, timestampOf, uuidFrom } from '../sbom/index.ts';
import { canonicalJson, compareText } from '../util/index.ts';
import type { Finding, SuppressedFinding } from './types.ts';

export interface CdxVulnOptions {
  /** The image: its name, digest and purl. */
  image: { name: string; digest: string; purl: string };
  epoch: number;
}

const JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'protected_by_mitigating_control',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

export function toCycloneDxVulnerabilities(
  findings: readonly Finding[],
  suppressed: readonly SuppressedFinding[],
  opts: CdxVulnOptions,
): Record<string, unknown> {
  const all: (Finding | SuppressedFinding)[] = [...findings, ...suppressed];
  const components = new Map<string, CdxComponent>();
  for (const f of all)
    components.set(f.package.purl, {
      type: 'library',
      'bom-ref': f.package.purl,
      name: f.package.name,
      version: f.package.version,
      purl: f.package.purl,
    });
  const byId = new Map<string, (Finding | SuppressedFinding)[]>();
  for (const f of all) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  const vulnerabilities = [...byId.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([id, list]) => vulnerability(id, list));
  const body = {
    metadata: {
      timestamp: timestampOf(opts.epoch),
      tools: { components: [{ type: 'application', name: SBOM_TOOL.name, version: SBOM_TOOL.version }] },
      component: {
        type: 'container',
        'bom-ref': opts.image.purl,
        name: opts.image.name,
        version: opts.image.digest,
        purl: opts.image.purl,
      },
    },
    components: [...components.values()].sort((a, b) => compareText(a['bom-ref'] ?? '', b['bom-ref'] ?? '')),
    vulnerabilities,
  };
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidFrom(canonicalJson(body))}`,
    version: 1,
    ...body,
  };
}

function vulnerability(id: string, list: (Finding | SuppressedFinding)[]): Record<string, unknown> {
  const f = list[0] as Finding | SuppressedFinding;
  const vectorMethod = f.severitySource?.startsWith('CVSS:4.0/')
    ? 'CVSSv4'
    : f.severitySource?.startsWith('CVSS:3.1/')
      ? 'CVSSv31'
      : f.severitySource?.startsWith('CVSS:3.0/')
        ? 'CVSSv3'
        : f.cvssScore !== undefined
          ? 'CVSSv2'
          : 'other';
  const rating: Record<string, unknown> = {
    severity: f.severity === 'negligible' ? 'info' : f.severity,
    method: vectorMethod,
    ...(f.cvssScore !== undefined ? { score: f.cvssScore, vector: f.severitySource } : {}),
    ...(f.cvssScore === undefined && f.severitySource ? { justification: `feed: ${f.severitySource}` } : {}),
  };
  const fixes = [
    ...new Set(list.flatMap((x) => (x.fixedVersion ? [`${x.package.name} ${x.fixedVersion}`] : []))),
  ];
  const vex = list.find((x): x is SuppressedFinding => 'vex' in x)?.vex;
  return {
    'bom-ref': `vuln:${id}`,
    id,
    source: { name: sourceName(id), ...(f.references?.[0] ? { url: f.references[0] } : {}) },
    ...(f.aliases.length
      ? { references: f.aliases.map((a) => ({ id: a, source: { name: sourceName(a) } })) }
      : {}),
    ratings: [rating],
    ...(f.title ? { description: f.title } : {}),
    ...(fixes.length ? { recommendation: `Upgrade to ${fixes.sort(compareText).join(', ')}` } : {}),
    affects: [...new Set(list.map((x) => x.package.purl))].sort(compareText).map((ref) => ({
      ref,
      versions: [{ version: list.find((x) => x.package.purl === ref)?.package.version, status: 'affected' }],
    })),
    ...(vex
      ? {
          analysis: {
            state: vex.status === 'fixed' ? 'resolved' : 'not_affected',
            ...(vex.justification && JUSTIFICATION[vex.justification]
              ? { justification: JUSTIFICATION[vex.justification] }
              : {}),
            ...(vex.statement ? { detail: vex.statement } : {}),
          },
        }
      : {}),
  };
}

function sourceName(id: string): string {
  if (id.startsWith('CVE-')) return 'NVD';
  if (id.startsWith('GHSA-')) return 'GitHub';
  if (/^(DSA|DLA|DEBIAN)-/.test(id)) return 'Debian';
  return (id.split('-')[0] ?? 'OSV').toUpperCase();
}
