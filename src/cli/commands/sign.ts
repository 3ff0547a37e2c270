// `pith sign REF --key FILE | --keyless`: signs an image where it is (every manifest: a sigstore bundle
// referrer, and in a registry with a key, cosign's legacy `.sig` tag). `pith keygen [PREFIX]`: a cosign key
// pair, the passphrase from PITH_PASSWORD (COSIGN_PASSWORD is also read).
import type { Command } from '@commander-js/extra-typings';
import type { SignReport } from '../../api/index.ts';
import { makeOutput } from '../output.ts';
import type { CliContext } from '../pith-for.ts';
import { signingOptions, withKeylessOptions } from '../signing-options.ts';

export function signCommands(program: Command, cli: CliContext): void {
  withKeylessOptions(
    program
      .command('sign')
      .description('sign an image in a registry or layout, cosign-compatibly: every manifest of it')
      .argument('<ref>', 'docker://HOST/REPO:TAG or oci:DIR[:TAG]')
      .option('--key <file>', 'private key: cosign format (passphrase from $PITH_PASSWORD) or PKCS#8 PEM'),
  )
    .option(
      '--identity <ref>',
      'the docker reference legacy signatures are made for (default: REF without digest)',
    )
    .option('--no-recursive', 'sign only the top manifest, not each platform manifest of an index')
    .option('--no-legacy-tag', "do not write cosign's legacy sha256-<hex>.sig tag")
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nEach manifest gets a sigstore bundle v0.3 (a DSSE in-toto statement, as cosign v3 writes) as an OCI 1.1\nreferrer; in a registry, signing with a key also appends a simple-signing layer to the sha256-<hex>.sig tag\nthat podman, skopeo and cosign 1-2 read.',
    )
    .action(async (ref, opts) => {
      const out = makeOutput(opts);
      const report = await cli.pith({}, out).sign({
        reference: ref,
        ...(signingOptions(opts.key, opts) ?? {}),
        ...(opts.identity ? { identity: opts.identity } : {}),
        ...(opts.recursive === false ? { recursive: false } : {}),
        ...(opts.legacyTag === false ? { legacyTag: false } : {}),
      });
      out.done();
      out.result(report, () => signText(report));
    });

  program
    .command('keygen')
    .description(
      'write a cosign-compatible key pair: PREFIX.key (encrypted with $PITH_PASSWORD) and PREFIX.pub',
    )
    .argument('[prefix]', 'path prefix of the two files', 'cosign')
    .option('--force', 'replace existing files')
    .option('--json', 'print the result as JSON')
    .action(async (prefix, opts) => {
      const out = makeOutput({ ...opts, quiet: true });
      const report = await cli.pith({}, out).keygen({ prefix, ...(opts.force ? { force: true } : {}) });
      out.done();
      out.result(report, () => `private key ${report.privateKey}\npublic key ${report.publicKey}`);
    });
}

export function signText(r: SignReport): string {
  return r.signatures
    .map(
      (s) =>
        `signed ${s.platform ? `${s.platform} ` : ''}${s.digest}: bundle ${s.bundle.digest}${s.legacyTag ? `, tag ${s.legacyTag}` : ''}`,
    )
    .join('\n');
}
