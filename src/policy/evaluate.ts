// A policy checked against what is known of an image: its audit, its vulnerability counts (when the policy
// asks for them), and the referrers attached to it. One result per rule the policy sets, in the policy's
// order, each passing or failing with a one-line detail naming what was measured.
import type { ImageAudit } from '../audit/index.ts';
import { attestationType, isPredicateType } from '../sign/index.ts';
import { humanSize } from '../util/index.ts';
import type { Severity } from '../vuln/index.ts';
import { globMatch, type Policy, sizeBytes } from './policy-schema.ts';

export interface PolicyInput {
  audit: ImageAudit;
  /** Findings counted per severity (fixed-only when the policy says so); absent without a feed. */
  vulnerabilities?: Record<Severity, number>;
  /** What is attached to the image. */
  attached: { sbom: boolean; signature: boolean; predicateTypes?: readonly string[] };
}

export interface RuleResult {
  /** The policy key (`noShell`, `maxSize.compressed`, …). */
  rule: string;
  pass: boolean;
  detail: string;
}

/** Whether an approved-base pattern matches a name, with or without its tag (digest left aside), as lint matches. */
export function nameMatches(pattern: string, image: string): boolean {
  const name = image.replace(/@sha256:[0-9a-f]*$/, '');
  const repo = name.replace(/:[^/:]*$/, '');
  return globMatch(pattern, name) || globMatch(pattern, repo);
}

export function evaluatePolicy(policy: Policy, input: PolicyInput): RuleResult[] {
  const a = input.audit;
  const out: RuleResult[] = [];
  const check = (rule: string, pass: boolean, detail: string) => out.push({ rule, pass, detail });
  if (policy.approvedBases) {
    const base = a.base;
    const ok = policy.approvedBases.some(
      (b) =>
        base?.name !== undefined &&
        nameMatches(b.name, base.name) &&
        (!b.digests || (base.digest !== undefined && b.digests.includes(base.digest))),
    );
    check(
      'approvedBases',
      ok,
      base
        ? `base ${base.name ?? '(unnamed)'}${base.digest ? `@${base.digest}` : ''}`
        : 'the image names no base',
    );
  }
  // an image that names no base (built from packages, or from scratch) has nothing to pin
  if (policy.basePinned)
    check(
      'basePinned',
      a.base === undefined || a.base.pinned,
      a.base
        ? a.base.pinned
          ? `base ${a.base.name ?? ''} pinned by digest`
          : `base ${a.base.name ?? '(unnamed)'} named without a digest`
        : 'names no base image',
    );
  const sizes = [
    ['compressed', a.compressedSize],
    ['uncompressed', a.size],
  ] as const;
  for (const [key, actual] of sizes) {
    const max = policy.maxSize?.[key];
    if (max === undefined) continue;
    const limit = sizeBytes(max);
    check(`maxSize.${key}`, actual <= limit, `${humanSize(actual)} (limit ${humanSize(limit)})`);
  }
  if (policy.vulnerabilities) {
    const counts = input.vulnerabilities;
    const over = Object.entries(policy.vulnerabilities.max).filter(
      ([s, max]) => (counts?.[s as Severity] ?? 0) > (max ?? Infinity),
    );
    const what = policy.vulnerabilities.fixedOnly ? 'fixable ' : '';
    check(
      'vulnerabilities',
      counts !== undefined && over.length === 0,
      counts === undefined
        ? 'no feed was read'
        : over.length
          ? over.map(([s, max]) => `${counts[s as Severity]} ${what}${s} (at most ${max})`).join(', ')
          : Object.entries(policy.vulnerabilities.max)
              .map(([s]) => `${counts[s as Severity]} ${what}${s}`)
              .join(', '),
    );
  }
  if (policy.nonRoot)
    check(
      'nonRoot',
      !a.user.root,
      a.user.root
        ? `runs as root (User ${JSON.stringify(a.user.configured)})`
        : `runs as ${a.user.uid ?? `${JSON.stringify(a.user.configured)} (not in /etc/passwd)`}`,
    );
  if (policy.noShell)
    check('noShell', a.shells.length === 0, a.shells.length ? `shells: ${a.shells.join(' ')}` : 'no shell');
  if (policy.noPackageManager)
    check(
      'noPackageManager',
      a.packageManagers.length === 0,
      a.packageManagers.length ? `package managers: ${a.packageManagers.join(' ')}` : 'no package manager',
    );
  if (policy.require?.sbom)
    check(
      'require.sbom',
      input.attached.sbom,
      input.attached.sbom ? 'an SBOM is attached' : 'no SBOM is attached',
    );
  if (policy.require?.signature)
    check(
      'require.signature',
      input.attached.signature,
      input.attached.signature ? 'a signature is attached' : 'no signature is attached',
    );
  if (policy.require?.attestations) {
    const found = input.attached.predicateTypes ?? [];
    const missing = policy.require.attestations.filter((name) => {
      const type = attestationType(name) ?? name;
      return !found.some((t) => isPredicateType(t, type));
    });
    check(
      'require.attestations',
      missing.length === 0,
      missing.length
        ? `not attached: ${missing.join(', ')}`
        : `attached: ${policy.require.attestations.join(', ')}`,
    );
  }
  if (policy.findings) {
    const f = policy.findings;
    const allowed = (id: string) => (f.allow ?? []).some((p) => globMatch(p, id));
    const denied = a.findings.filter((x) => (f.deny ?? []).some((p) => globMatch(p, x.id)));
    if (f.deny)
      check(
        'findings.deny',
        denied.length === 0,
        denied.length
          ? denied
              .map((x) => `${x.id} ${x.path ?? x.message}`)
              .slice(0, 5)
              .join('; ')
          : 'none of the denied findings',
      );
    if (f.max) {
      const counted = a.findings.filter((x) => !allowed(x.id));
      const over = Object.entries(f.max).filter(
        ([s, max]) => counted.filter((x) => x.severity === s).length > (max ?? Infinity),
      );
      check(
        'findings.max',
        over.length === 0,
        Object.entries(f.max)
          .map(([s, max]) => `${counted.filter((x) => x.severity === s).length} ${s} (at most ${max})`)
          .join(', '),
      );
    }
  }
  return out;
}
