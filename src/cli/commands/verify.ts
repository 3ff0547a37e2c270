// `pith verify REF`: the signatures and attestations of an image, checked offline against a key
// (--key) or a trusted root and certificate identity (keyless); --attestation and --policy say which
// attestations must be there; --provenance (with --lock) walks image ↔ provenance ↔ lock ↔ InRelease.
// Exit 6 when the image does not verify, naming the first broken link.
import type { Command } from '@commander-js/extra-typings';
import type { VerifyReport } from '../../api/index.ts';
import { makeOutput, ReportedFailure } from '../output.ts';
import type { CliContext } from '../pith-for.ts';
import { repeat, suiteSource, withSuiteOptions } from '../suite-source.ts';

export function verifyCommand(program: Command, cli: CliContext): void {
  withSuiteOptions(program.command('verify'))
    .description(
      'check the signatures, attestations and provenance of an image offline; exit 6 when they fail',
    )
    .argument('<ref>', 'docker://HOST/REPO:TAG or oci:DIR[:TAG]')
    .option('--key <file>', 'a public key (PEM) whose signatures count (repeatable)', repeat, [] as string[])
    .option('--certificate-identity <san>', "keyless: the signing certificate's identity (e-mail or URI)")
    .option('--certificate-identity-regexp <re>', 'keyless: a pattern the identity must match')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer in the certificate')
    .option('--certificate-oidc-issuer-regexp <re>', 'keyless: a pattern the issuer must match')
    .option(
      '--trusted-root <file>',
      'keyless: the sigstore TrustedRoot JSON (Fulcio CAs, Rekor and CT log keys)',
    )
    .option(
      '--attestation <type>',
      'a signed attestation each image must carry: cyclonedx, spdx, openvex, slsaprovenance, or a URI (repeatable)',
      repeat,
      [] as string[],
    )
    .option(
      '--policy <file>',
      'a policy file: who must have signed (signatures:) and what is required (require:)',
    )
    .option('--provenance', 'walk image layers ↔ SLSA provenance ↔ lock ↔ signed InRelease')
    .option('--lock <file>', 'the pith.lock.json the provenance must match (with --provenance)')
    .option('--offline', 'use only cached indexes for --provenance')
    .option('--cache-dir <dir>', 'download cache (default: $XDG_CACHE_HOME/pith)')
    .option('--json', 'print the report as JSON')
    .option('-q, --quiet', 'no progress output')
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith(opts, out).verify({
        reference: ref,
        ...(opts.key.length ? { keys: opts.key } : {}),
        ...(opts.certificateIdentity ? { certificateIdentity: opts.certificateIdentity } : {}),
        ...(opts.certificateIdentityRegexp
          ? { certificateIdentityRegexp: opts.certificateIdentityRegexp }
          : {}),
        ...(opts.certificateOidcIssuer ? { certificateOidcIssuer: opts.certificateOidcIssuer } : {}),
        ...(opts.certificateOidcIssuerRegexp
          ? { certificateOidcIssuerRegexp: opts.certificateOidcIssuerRegexp }
          : {}),
        ...(opts.trustedRoot ? { trustedRoot: opts.trustedRoot } : {}),
        ...(opts.attestation.length ? { attestations: opts.attestation } : {}),
        ...(opts.policy ? { policy: opts.policy } : {}),
        ...(opts.provenance ? { provenance: true } : {}),
        ...(opts.lock ? { lock: opts.lock } : {}),
        ...suiteSource(opts),
      });
      out.done();
      out.result(report, () => verifyText(report));
      if (!report.verified) {
        const message = `${ref} did not verify: ${report.problems.join('; ')}`;
        process.stderr.write(`pith: ${message}\n`);
        const provenance = report.provenance?.some((p) => !p.ok);
        throw new ReportedFailure({
          code: !report.signatures.some((s) => s.digest === report.digest)
            ? 'NOT_SIGNED'
            : provenance
              ? 'PROVENANCE_MISMATCH'
              : 'ATTESTATION_MISSING',
          kind: 'check',
          message,
        });
      }
    });
}

function verifyText(r: VerifyReport): string {
  const lines = [`${r.reference} ${r.digest}: ${r.verified ? 'VERIFIED' : 'NOT VERIFIED'}`];
  for (const s of r.signatures)
    lines.push(
      `  signature ${s.platform ? `${s.platform} ` : ''}${s.digest} (${s.format}, ${s.via}) by ${s.signer}`,
    );
  for (const a of r.attestations)
    lines.push(
      `  attestation ${a.predicateType} ${a.platform ? `${a.platform} ` : ''}${a.digest} (${a.via}) by ${a.signer}`,
    );
  for (const x of r.rejected) lines.push(`  rejected (${x.via}) ${x.reason}`);
  for (const p of r.provenance ?? []) {
    lines.push(
      `  provenance ${p.platform ?? ''} ${p.digest}: ${p.ok ? 'chain holds' : 'BROKEN'} (${p.debs} .deb files)`,
    );
    for (const l of p.links) lines.push(`    ${l.ok ? 'ok  ' : 'FAIL'} ${l.link}: ${l.detail}`);
  }
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  return lines.join('\n');
}
