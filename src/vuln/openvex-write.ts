// Writing an OpenVEX v0.2.0 document (`../shared/briefs/anchors-2026.md` §3: the fields, the status
// rules, and the product ids trivy and grype both match — the image as `pkg:oci/NAME@sha256:…` with
// `repository_url`, for the index and each platform manifest, and packages as subcomponents in the purl
// shape the scanners generate). Deterministic: statements sorted, the document's @id derived from its
// content, the timestamp given by the caller (SOURCE_DATE_EPOCH when set).

import { uuidFrom } from '../sbom/index.ts';
import { canonicalJson, compareText } from '../util/index.ts';
import { vulnError } from './error-codes.ts';
import type { VexJustification, VexStatus } from './types.ts';

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

export interface VexStatementInput {
  vulnerability: string;
  status: VexStatus;
  justification?: VexJustification;
  impactStatement?: string;
  actionStatement?: string;
  statusNotes?: string;
  products: { id: string; subcomponents: string[] }[];
}

export interface OpenVexInput {
  author: string;
  /** RFC 3339. */
  timestamp: string;
  tooling: string;
  statements: VexStatementInput[];
}

/** The document as JSON text (two-space indented, trailing newline). */
export function writeOpenVex(input: OpenVexInput): string {
  const statements = input.statements.map(statementJson).sort((a, b) => {
    const x = canonicalJson(a);
    const y = canonicalJson(b);
    return compareText(x, y);
  });
  const body = {
    author: input.author,
    timestamp: input.timestamp,
    version: 1,
    tooling: input.tooling,
    statements,
  };
  const doc = {
    '@context': OPENVEX_CONTEXT,
    '@id': `urn:uuid:${uuidFrom(canonicalJson(body))}`,
    ...body,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function statementJson(s: VexStatementInput): Record<string, unknown> {
  if (s.status === 'not_affected' && !s.justification && !s.impactStatement)
    throw vulnError(
      'VEX_INVALID',
      `${s.vulnerability}: not_affected needs a justification or an impact statement (OpenVEX v0.2.0)`,
    );
  if (s.status === 'affected' && !s.actionStatement)
    throw vulnError('VEX_INVALID', `${s.vulnerability}: affected needs an action statement (OpenVEX v0.2.0)`);
  const products = s.products.map((p) => ({
    '@id': p.id,
    ...(p.subcomponents.length
      ? { subcomponents: [...new Set(p.subcomponents)].sort().map((id) => ({ '@id': id })) }
      : {}),
  }));
  return {
    vulnerability: { name: s.vulnerability },
    products,
    status: s.status,
    ...(s.justification ? { justification: s.justification } : {}),
    ...(s.impactStatement ? { impact_statement: s.impactStatement } : {}),
    ...(s.actionStatement ? { action_statement: s.actionStatement } : {}),
    ...(s.statusNotes ? { status_notes: s.statusNotes } : {}),
  };
}
