// Sigstore bundles made by pith (through sigstore-js): a key-signed DSSE bundle whose signature openssl
// verifies over the DSSE pre-authentication encoding (an independent check of what was signed); tampered
// payloads and other keys refused; and the keyless flow against sigstore's mock Fulcio and Rekor served
// on 127.0.0.1, verified offline afterwards with the trusted root, the identity and the issuer.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IN_TOTO_PAYLOAD_TYPE, signDsse, verifyBundle } from '../../src/sign/index.ts';
import { run, tempDir } from '../helpers.ts';
import { identityToken, type SigstoreMock, startSigstoreMock } from '../sigstore-mock.ts';

const STATEMENT = Buffer.from(
  '{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x","predicate":{}}',
);

it('a key-signed DSSE bundle: openssl verifies its signature over the PAE; tampering and other keys fail', async (t) => {
  const dir = await tempDir(t);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const bundle = await signDsse(STATEMENT, IN_TOTO_PAYLOAD_TYPE, { kind: 'key', key: privateKey });
  const json = JSON.parse(bundle.toString()) as {
    mediaType: string;
    dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] };
  };
  assert.equal(json.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  const type = Buffer.from(json.dsseEnvelope.payloadType);
  const body = Buffer.from(json.dsseEnvelope.payload, 'base64');
  assert.deepEqual(body, STATEMENT);
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${body.length} `),
    body,
  ]);
  await writeFile(join(dir, 'pae'), pae);
  await writeFile(join(dir, 'sig'), Buffer.from(json.dsseEnvelope.signatures[0]!.sig, 'base64'));
  await writeFile(join(dir, 'pub.pem'), publicKey.export({ format: 'pem', type: 'spki' }));
  const ok = await run('openssl', [
    'dgst',
    '-sha256',
    '-verify',
    join(dir, 'pub.pem'),
    '-signature',
    join(dir, 'sig'),
    join(dir, 'pae'),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Verified OK/);

  const v = await verifyBundle(bundle, { kind: 'key', keys: [publicKey] }, 'bundle');
  assert.deepEqual(v.payload, STATEMENT);
  assert.match(v.signer, /^sha256:[0-9a-f]{64}$/);
  json.dsseEnvelope.payload = Buffer.from(STATEMENT.toString().replace('"x"', '"y"')).toString('base64');
  await assert.rejects(
    verifyBundle(Buffer.from(JSON.stringify(json)), { kind: 'key', keys: [publicKey] }, 'b'),
    {
      code: 'SIGNATURE_INVALID',
    },
  );
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  await assert.rejects(verifyBundle(bundle, { kind: 'key', keys: [other] }, 'b'), {
    code: 'SIGNATURE_INVALID',
  });
  await assert.rejects(
    verifyBundle(Buffer.from('{"mediaType":1}'), { kind: 'key', keys: [publicKey] }, 'b'),
    {
      code: 'SIGNATURE_INVALID',
      message: /not a sigstore bundle/,
    },
  );
});

describe('keyless, against sigstore mock services on 127.0.0.1', () => {
  let mock: SigstoreMock;
  before(async () => {
    mock = await startSigstoreMock();
  });
  after(() => mock.close());
  const identity = 'https://ci.example/acme/app/.ci/build@refs/heads/main';
  const issuer = 'https://token.issuer.example';

  it('signs with a Fulcio certificate and a Rekor entry, then verifies offline with identity and issuer', async () => {
    const token = identityToken({ sub: identity, iss: issuer });
    const bundle = await signDsse(STATEMENT, IN_TOTO_PAYLOAD_TYPE, {
      kind: 'keyless',
      identityToken: token,
      fulcioUrl: mock.url,
      rekorUrl: mock.url,
    });
    const json = JSON.parse(bundle.toString()) as {
      verificationMaterial: { certificate?: unknown; tlogEntries?: unknown[] };
    };
    assert.ok(json.verificationMaterial.certificate, 'a Fulcio certificate');
    assert.equal(json.verificationMaterial.tlogEntries?.length, 1, 'one Rekor entry');
    const trust = { kind: 'keyless' as const, trustedRoot: mock.trustedRoot, identity, issuer };
    const v = await verifyBundle(bundle, trust, 'bundle');
    assert.equal(v.signer, `${identity} (${issuer})`);
    assert.equal(
      (await verifyBundle(bundle, { ...trust, identity: /acme\/app\//, issuer: /issuer\.example$/ }, 'b'))
        .signer,
      v.signer,
    );
    await assert.rejects(verifyBundle(bundle, { ...trust, identity: 'https://ci.example/evil' }, 'b'), {
      code: 'SIGNATURE_INVALID',
      message: /identity/,
    });
    await assert.rejects(verifyBundle(bundle, { ...trust, issuer: 'https://other.example' }, 'b'), {
      code: 'SIGNATURE_INVALID',
    });
    // another root (another CA and logs) does not trust this certificate
    const other = await startSigstoreMock();
    await assert.rejects(verifyBundle(bundle, { ...trust, trustedRoot: other.trustedRoot }, 'b'), {
      code: 'SIGNATURE_INVALID',
    });
    await other.close();
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await assert.rejects(verifyBundle(bundle, { kind: 'key', keys: [publicKey] }, 'b'), {
      message: /certificate \(keyless\)/,
    });
  });

  it('an identity is matched whole and literally: a look-alike certificate is refused', async () => {
    const lookAlike = `https://ci.example/attacker/x?${identity}`;
    const bundle = await signDsse(STATEMENT, IN_TOTO_PAYLOAD_TYPE, {
      kind: 'keyless',
      identityToken: identityToken({ sub: lookAlike, iss: issuer }),
      fulcioUrl: mock.url,
      rekorUrl: mock.url,
    });
    const trust = { kind: 'keyless' as const, trustedRoot: mock.trustedRoot, identity, issuer };
    await assert.rejects(verifyBundle(bundle, trust, 'b'), {
      code: 'SIGNATURE_INVALID',
      message: /identity/,
    });
    // `.` in an exact identity is a dot, not any character
    const dotted = await signDsse(STATEMENT, IN_TOTO_PAYLOAD_TYPE, {
      kind: 'keyless',
      identityToken: identityToken({ sub: 'https://ciXexample/acme', iss: issuer }),
      fulcioUrl: mock.url,
      rekorUrl: mock.url,
    });
    await assert.rejects(verifyBundle(dotted, { ...trust, identity: 'https://ci.example/acme' }, 'b'), {
      code: 'SIGNATURE_INVALID',
    });
  });

  it('a key-signed bundle with a Rekor entry (as cosign v3 makes): the key decides; a trusted root checks the entry', async () => {
    const { DSSEBundleBuilder, RekorWitness } = await import('@sigstore/sign');
    const { bundleToJSON } = await import('@sigstore/bundle');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const builder = new DSSEBundleBuilder({
      signer: {
        sign: async (data: Buffer) => ({
          signature: sign('sha256', data, privateKey),
          key: {
            $case: 'publicKey' as const,
            publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          },
        }),
      },
      witnesses: [new RekorWitness({ rekorBaseURL: mock.url, entryType: 'intoto' })],
    });
    const bundle = Buffer.from(
      JSON.stringify(bundleToJSON(await builder.create({ data: STATEMENT, type: IN_TOTO_PAYLOAD_TYPE }))),
    );
    assert.equal(
      (JSON.parse(bundle.toString()) as { verificationMaterial: { tlogEntries: unknown[] } })
        .verificationMaterial.tlogEntries.length,
      1,
    );
    assert.deepEqual(
      (await verifyBundle(bundle, { kind: 'key', keys: [publicKey] }, 'b')).payload,
      STATEMENT,
    );
    const withRoot = { kind: 'key' as const, keys: [publicKey], trustedRoot: mock.trustedRoot };
    assert.deepEqual((await verifyBundle(bundle, withRoot, 'b')).payload, STATEMENT);
    const other = await startSigstoreMock();
    await assert.rejects(verifyBundle(bundle, { ...withRoot, trustedRoot: other.trustedRoot }, 'b'), {
      code: 'SIGNATURE_INVALID',
    });
    await other.close();
  });

  it('a Fulcio that refuses is a SIGNING_FAILED error, not a crash', async () => {
    await assert.rejects(
      signDsse(STATEMENT, IN_TOTO_PAYLOAD_TYPE, {
        kind: 'keyless',
        identityToken: 'not-a-jwt',
        fulcioUrl: mock.url,
        rekorUrl: mock.url,
      }),
      { code: 'SIGNING_FAILED' },
    );
  });
});
