// Signing and verifying in an OCI layout (no registry): pith keygen's key signs every manifest as a
// sigstore bundle referrer listed in index.json; verify accepts that key and refuses another, a tampered
// bundle, and missing attestations; a policy file names the signers and the attestations required. The
// keyless flow runs as whole CLI processes against sigstore's mock Fulcio and Rekor on 127.0.0.1, and
// verifies offline afterwards with the trusted root. Registries, podman and skopeo: test/e2e/signing.test.ts.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { bytesEntry } from '../../src/tar/index.ts';
import { pith as runPith, tempDir } from '../helpers.ts';
import { entriesLayout } from '../layout-helpers.ts';
import { identityToken, startSigstoreMock } from '../sigstore-mock.ts';

const ENV = { PITH_PASSWORD: 'layout test', HOME: '/nonexistent' };

async function signedLayout(t: import('node:test').TestContext) {
  const dir = await tempDir(t);
  const layout = await entriesLayout(dir, 'img', { config: { Entrypoint: ['/app'] } }, [
    bytesEntry('app', Buffer.from('app')),
  ]);
  const pith = createPith({ env: { ...ENV }, cacheDir: join(dir, 'cache') });
  const keys = await pith.keygen({ prefix: join(dir, 'signer') });
  return { dir, layout, pith, keys };
}

it('a layout signed with a pith key verifies with its public key, and not with another', async (t) => {
  const { dir, layout, pith, keys } = await signedLayout(t);
  const ref = layout;
  const signed = await pith.sign({ reference: ref, key: keys.privateKey });
  assert.equal(signed.signatures.length, 1);
  assert.equal(signed.signatures[0]!.legacyTag, undefined, 'no .sig tag outside a registry');
  const index = JSON.parse(await readFile(join(layout.slice(4), 'index.json'), 'utf8')) as {
    manifests: { artifactType?: string }[];
  };
  assert.ok(index.manifests.some((m) => m.artifactType === 'application/vnd.dev.sigstore.bundle.v0.3+json'));

  const ok = await pith.verify({ reference: ref, keys: [keys.publicKey] });
  assert.equal(ok.verified, true, ok.problems.join('; '));
  assert.equal(ok.signatures[0]!.via, 'layout');
  assert.equal(ok.signatures[0]!.format, 'bundle');
  // the private key file works too (its public half is used), as cosign allows
  assert.equal((await pith.verify({ reference: ref, keys: [keys.privateKey] })).verified, true);

  const other = await pith.keygen({ prefix: join(dir, 'other') });
  const no = await pith.verify({ reference: ref, keys: [other.publicKey] });
  assert.equal(no.verified, false);
  assert.match(no.problems[0]!, /no signature that verifies/);
  assert.match(no.rejected[0]!.reason, /did not verify/);

  const needs = await pith.verify({ reference: ref, keys: [keys.publicKey], attestations: ['cyclonedx'] });
  assert.equal(needs.verified, false);
  assert.match(needs.problems.join('\n'), /no signed https:\/\/cyclonedx\.org\/bom attestation/);

  // a policy names the signer and the attestation required: the CLI exits 6 and says which is missing
  const policy = join(dir, 'policy.yaml');
  await writeFile(policy, `signatures:\n  keys: [signer.pub]\nrequire:\n  attestations: [slsaprovenance]\n`);
  const r = await runPith(['verify', ref, '--policy', policy], { env: ENV });
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /no signed https:\/\/slsa\.dev\/provenance\/v1 attestation/);
  await writeFile(policy, `signatures:\n  keys: [signer.pub]\n`);
  const pass = await runPith(['verify', ref, '--policy', policy, '--json'], { env: ENV });
  assert.equal(pass.code, 0, pass.stderr);
  assert.equal((JSON.parse(pass.stdout) as { verified: boolean }).verified, true);
});

it('a tampered bundle blob is rejected, not trusted', async (t) => {
  const { layout, pith, keys } = await signedLayout(t);
  const ref = layout;
  const signed = await pith.sign({ reference: ref, key: keys.privateKey });
  const manifest = JSON.parse(
    await readFile(
      join(layout.slice(4), 'blobs', 'sha256', signed.signatures[0]!.bundle.digest.slice(7)),
      'utf8',
    ),
  ) as { layers: { digest: string }[] };
  const blob = join(layout.slice(4), 'blobs', 'sha256', manifest.layers[0]!.digest.slice(7));
  const bytes = await readFile(blob);
  const json = JSON.parse(bytes.toString()) as { dsseEnvelope: { signatures: { sig: string }[] } };
  const sig = Buffer.from(json.dsseEnvelope.signatures[0]!.sig, 'base64');
  sig[sig.length - 1]! ^= 1;
  json.dsseEnvelope.signatures[0]!.sig = sig.toString('base64');
  await writeFile(blob, JSON.stringify(json));
  const r = await pith.verify({ reference: ref, keys: [keys.publicKey] });
  assert.equal(r.verified, false);
  assert.match(r.rejected[0]!.reason, /DIGEST_MISMATCH|hashes to|refusing/);
});

it('keyless through the CLI: sign against mock Fulcio and Rekor, verify offline with the trusted root', async (t) => {
  const mock = await startSigstoreMock();
  t.after(() => mock.close());
  const dir = await tempDir(t);
  const layout = await entriesLayout(dir, 'img', {}, [bytesEntry('app', Buffer.from('app'))]);
  const ref = layout;
  const identity = 'https://ci.example/acme/app/.ci/release@refs/tags/v1';
  const issuer = 'https://token.issuer.example';
  const signed = await runPith(
    ['sign', ref, '--keyless', '--fulcio-url', mock.url, '--rekor-url', mock.url, '--json'],
    { env: { SIGSTORE_ID_TOKEN: identityToken({ sub: identity, iss: issuer }) } },
  );
  assert.equal(signed.code, 0, signed.stderr);
  await mock.close(); // offline from here on: nothing is asked of Fulcio or Rekor
  const root = join(dir, 'trusted_root.json');
  await writeFile(root, JSON.stringify(mock.trustedRoot));
  const args = ['verify', ref, '--trusted-root', root, '--certificate-oidc-issuer', issuer];
  const ok = await runPith([...args, '--certificate-identity', identity, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout) as { signatures: { signer: string }[] };
  assert.equal(report.signatures[0]!.signer, `${identity} (${issuer})`);
  const wrong = await runPith([
    ...args,
    '--certificate-identity',
    'https://ci.example/evil/x@refs/heads/main',
  ]);
  assert.equal(wrong.code, 6, wrong.stderr);
  assert.match(wrong.stderr, /did not verify/);
  // a P-384 key cannot sign a bundle (sigstore-js checks ECDSA bundles with SHA-256): refused before writing
  const p384 = join(dir, 'p384.pem');
  await writeFile(
    p384,
    generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
  );
  const refused = await runPith(['sign', ref, '--key', p384]);
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /P-256/);
  const none = await runPith(['sign', ref, '--keyless']);
  assert.equal(none.code, 3);
  assert.match(none.stderr, /identity token/);
});

it('a build whose keyless signing fails writes nothing: the signature is made before the image is written', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'app'), 'app');
  await writeFile(join(dir, 'pith.yaml'), 'accounts: false\nfiles:\n  - src: app\n    dst: /app\n');
  const out = join(dir, 'out');
  const r = await runPith(
    [
      'build',
      join(dir, 'pith.yaml'),
      '--output',
      `oci:${out}`,
      '--keyless',
      '--fulcio-url',
      'http://127.0.0.1:9',
      '--rekor-url',
      'http://127.0.0.1:9',
    ],
    {
      env: {
        SIGSTORE_ID_TOKEN: identityToken({
          sub: 'https://ci.example/x',
          iss: 'https://token.issuer.example',
        }),
      },
    },
  );
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /keyless signing failed/);
  assert.equal(existsSync(out), false, 'no layout written');
});
