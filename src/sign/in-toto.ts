// in-toto Statements (in-toto/attestation v1; briefs/anchors-2026.md §4): what an attestation says about
// which artifacts. pith writes Statement v1 with one subject per image digest; it reads v1 and cosign's
// v0.1, and checks that a statement is about the image it was found attached to.
import { type Digest, isDigest, PithError } from '../util/index.ts';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
const STATEMENT_TYPES = new Set([STATEMENT_V1, 'https://in-toto.io/Statement/v0.1']);

/** The predicate types pith writes and recognises (cosign's `--type` names in comments). */
export const PredicateType = {
  /** cosign v3's signature statement: a signature in the bundle format is an attestation with this type. */
  cosignSign: 'https://sigstore.dev/cosign/sign/v1',
  /** `cyclonedx`: unversioned, the version is in the document. */
  cyclonedx: 'https://cyclonedx.org/bom',
  /** `spdxjson` */
  spdx: 'https://spdx.dev/Document',
  /** `openvex` */
  openvex: 'https://openvex.dev/ns',
  /** `slsaprovenance1` */
  slsaProvenance: 'https://slsa.dev/provenance/v1',
} as const;

export interface Subject {
  name?: string;
  digest: Record<string, string>;
}

export interface Statement {
  _type: string;
  subject: Subject[];
  predicateType: string;
  predicate: unknown;
}

/** A Statement v1 about `digests` (each `sha256:<hex>`), named `name` when given. */
export function makeStatement(
  digests: readonly Digest[],
  predicateType: string,
  predicate: unknown,
  name?: string,
): Buffer {
  const subject = digests.map((d) => {
    const [alg, hex] = d.split(':') as [string, string];
    return { ...(name ? { name } : {}), digest: { [alg]: hex } };
  });
  return Buffer.from(JSON.stringify({ _type: STATEMENT_V1, subject, predicateType, predicate }));
}

/** A statement read from a verified DSSE payload; SIGNATURE_INVALID when it is not an in-toto statement. */
export function parseStatement(bytes: Buffer, where: string): Statement {
  let doc: Partial<Statement>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Partial<Statement>;
  } catch {
    throw new PithError('check', 'SIGNATURE_INVALID', `${where}: the attestation payload is not JSON`);
  }
  if (
    !STATEMENT_TYPES.has(String(doc._type)) ||
    !Array.isArray(doc.subject) ||
    typeof doc.predicateType !== 'string'
  ) {
    throw new PithError(
      'check',
      'SIGNATURE_INVALID',
      `${where}: the attestation payload is not an in-toto statement`,
    );
  }
  return doc as Statement;
}

/** The digests (`alg:hex`) a statement is about. */
export function subjectDigests(s: Statement): Digest[] {
  const out: Digest[] = [];
  for (const subject of s.subject) {
    for (const [alg, hex] of Object.entries(subject?.digest ?? {})) {
      const d = `${alg}:${hex}`;
      if (isDigest(d)) out.push(d);
    }
  }
  return out;
}

/** cosign's `--type` names (and a few plain ones) → the predicate types they stand for. */
export const ATTESTATION_NAMES: Readonly<Record<string, string>> = {
  cyclonedx: PredicateType.cyclonedx,
  spdx: PredicateType.spdx,
  spdxjson: PredicateType.spdx,
  openvex: PredicateType.openvex,
  vex: PredicateType.openvex,
  slsaprovenance: PredicateType.slsaProvenance,
  slsaprovenance1: PredicateType.slsaProvenance,
  provenance: PredicateType.slsaProvenance,
};

/** The predicate type an attestation name stands for; a URI stands for itself; undefined when unknown. */
export function attestationType(name: string): string | undefined {
  return ATTESTATION_NAMES[name.toLowerCase()] ?? (/^[a-z][a-z0-9+.-]*:/i.test(name) ? name : undefined);
}

/** Whether a predicate type is `wanted`, versioned variants included (`https://openvex.dev/ns/v0.2.0`). */
export function isPredicateType(actual: string, wanted: string): boolean {
  return actual === wanted || actual.startsWith(`${wanted}/`) || actual.startsWith(`${wanted}@`);
}
