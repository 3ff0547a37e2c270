// `policy check`: a policy file (YAML, schema-checked with file:line:col errors) against every image of a
// reference: its audit, its vulnerability counts when the policy has feeds (fixed-only on request), and
// what is attached to it — an SBOM referrer (CycloneDX or SPDX), a signature (a sigstore bundle referrer,
// or cosign's `sha256-<hex>.sig` tag in a registry).
import { dirname, resolve } from 'node:path';
import { parseYamlDocument } from '../config/index.ts';
import { parseTransportRef, readReferrers, type TransportRef } from '../io/index.ts';
import { ArtifactType, BundleAnnotation, cosignTag } from '../oci/index.ts';
import { evaluatePolicy, type Policy, policySchema, type RuleResult } from '../policy/index.ts';
import { isPredicateType, PredicateType } from '../sign/index.ts';
import { type Digest, readUserFile } from '../util/index.ts';
import type { Severity } from '../vuln/index.ts';
import { examine } from './audit.ts';
import type { Context } from './context.ts';
import { listTags } from './registry.ts';
import { feedSet, scanInventory } from './scan.ts';

export interface PolicyCheckRequest {
  reference: string;
  /** The policy file. */
  policy: string;
}

export interface PolicyImageResult {
  platform?: string;
  digest: string;
  pass: boolean;
  results: RuleResult[];
}

export interface PolicyReport {
  reference: string;
  digest: string;
  policy: string;
  pass: boolean;
  images: PolicyImageResult[];
}

const SBOM_TYPES = new Set<string>([ArtifactType.cyclonedx, ArtifactType.spdx]);
const SIGNATURE_TYPES = new Set<string>([ArtifactType.sigstoreBundle, ArtifactType.sigstoreBundleParam]);

export async function policyCheck(ctx: Context, req: PolicyCheckRequest): Promise<PolicyReport> {
  const policy = await readPolicy(req.policy);
  const { inventory, audit } = await examine(ctx, req.reference);
  const feeds = policy.vulnerabilities
    ? await feedSet(
        ctx,
        policy.vulnerabilities.feeds.map((f) =>
          /^https?:\/\//i.test(f) ? f : resolve(dirname(req.policy), f),
        ),
      )
    : undefined;
  const scan = feeds
    ? await scanInventory(ctx, inventory, feeds, {
        updates: false,
        ignoreUnfixed: policy.vulnerabilities?.fixedOnly === true,
      })
    : undefined;
  const ref = parseTransportRef(req.reference, { allowBarePath: true });
  const images: PolicyImageResult[] = [];
  for (const [i, a] of audit.images.entries()) {
    const attached = await attachments(ctx, ref, [audit.digest as Digest, a.digest as Digest]);
    const vulnerabilities: Record<Severity, number> | undefined = scan?.images[i]?.counts;
    const results = evaluatePolicy(policy, {
      audit: a,
      attached,
      ...(vulnerabilities ? { vulnerabilities } : {}),
    });
    images.push({
      ...(a.platform ? { platform: a.platform } : {}),
      digest: a.digest,
      pass: results.every((r) => r.pass),
      results,
    });
  }
  return {
    reference: req.reference,
    digest: audit.digest,
    policy: req.policy,
    pass: images.every((i) => i.pass),
    images,
  };
}

/** A policy file, parsed and checked against its schema (POLICY_INVALID at file:line:col). */
export async function readPolicy(path: string): Promise<Policy> {
  const bytes = await readUserFile(path, 1 << 20, 'policy');
  return parseYamlDocument(bytes.toString('utf8'), path, policySchema, 'POLICY_INVALID').value;
}

/** Whether an SBOM and a signature are attached to any of `digests` (the index's or the image's). */
async function attachments(
  ctx: Context,
  ref: TransportRef,
  digests: Digest[],
): Promise<{ sbom: boolean; signature: boolean; predicateTypes: string[] }> {
  const referrers = await readReferrers(ref, [...new Set(digests)], ctx.remote('pull'));
  // a bundle carries a signature (cosign v3: predicate type cosign/sign/v1, or none named) or an attestation
  const bundles = referrers.filter(
    (r) => r.artifactType !== undefined && SIGNATURE_TYPES.has(r.artifactType),
  );
  const predicateOf = (r: (typeof referrers)[number]) => r.annotations?.[BundleAnnotation.predicateType];
  const predicateTypes = bundles.flatMap((r) => {
    const t = predicateOf(r);
    return t && t !== PredicateType.cosignSign ? [t] : [];
  });
  const sbom =
    referrers.some((r) => r.artifactType !== undefined && SBOM_TYPES.has(r.artifactType)) ||
    predicateTypes.some(
      (t) => isPredicateType(t, PredicateType.cyclonedx) || isPredicateType(t, PredicateType.spdx),
    );
  let signature = bundles.some((r) => {
    const t = predicateOf(r);
    return t === undefined || t === PredicateType.cosignSign;
  });
  if (!signature && ref.transport === 'docker') {
    const tags = new Set(await listTags(ctx, `${ref.ref.registry}/${ref.ref.repository}`));
    signature = digests.some((d) => tags.has(cosignTag(d, 'sig')));
  }
  return { sbom, signature, predicateTypes };
}
