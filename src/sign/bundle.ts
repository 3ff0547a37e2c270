// Sigstore bundles (v0.3, `application/vnd.dev.sigstore.bundle.v0.3+json`; briefs/anchors-2026.md §4):
// a DSSE envelope over an in-toto statement, with the key's hint or the Fulcio certificate and the Rekor
// entry that make it verifiable offline. Building and checking them is sigstore-js's (@sigstore/sign,
// @sigstore/verify), loaded only when a bundle is made or read; pith supplies the key signer, the trust
// material (a public key, or a TrustedRoot file) and the identity policy. Keyless bundles are logged in
// Rekor as `intoto` entries (sigstore-js's choice for attestations), which Rekor v1 and its mock both serve.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TrustMaterial } from '@sigstore/verify';
import { PithError } from '../util/index.ts';
import { keyFingerprint, signData } from './key-crypto.ts';

/** Who signs: a private key, or a keyless identity (an OIDC token exchanged at Fulcio, logged in Rekor). */
export type SigningIdentity =
  | { kind: 'key'; key: KeyObject }
  | {
      kind: 'keyless';
      identityToken: string;
      /** Fulcio's base URL (default: sigstore's public instance). */
      fulcioUrl?: string;
      /** Rekor's base URL (default: sigstore's public instance). */
      rekorUrl?: string;
    };

/** What a signature is checked against: public keys, or a trusted root with the identity expected. */
export type Trust =
  | {
      kind: 'key';
      keys: readonly KeyObject[];
      /**
       * A TrustedRoot whose Rekor logs check the bundle's transparency-log entries (cosign v3 logs key
       * signatures too). Without one the entries are set aside and only the key's signature counts.
       */
      trustedRoot?: unknown;
    }
  | {
      kind: 'keyless';
      /** A sigstore TrustedRoot JSON document (Fulcio CAs, Rekor and CT log keys). */
      trustedRoot: unknown;
      /** The certificate's subject alternative name, exactly (an e-mail, a URI); a RegExp is searched in it, as cosign's -regexp flags are. */
      identity: string | RegExp;
      /** The OIDC issuer recorded in the certificate. */
      issuer: string | RegExp;
    };

export interface VerifiedBundle {
  payload: Buffer;
  payloadType: string;
  /** The key's fingerprint (`sha256:<hex>` of its PKIX DER), or the certificate's identity and issuer. */
  signer: string;
}

/** A DSSE bundle (serialized JSON) of `payload`, signed by `who`. */
export async function signDsse(payload: Buffer, payloadType: string, who: SigningIdentity): Promise<Buffer> {
  const { bundleToJSON, toDSSEBundle } = await import('@sigstore/bundle');
  if (who.kind === 'key') {
    // what @sigstore/sign's DSSEBundleBuilder does for a key, without loading its service clients (a
    // fifth of a second of start-up): sign the pre-authentication encoding, package it with the key's hint
    checkBundleKey(who.key);
    const { dsse } = await import('@sigstore/core');
    const bundle = toDSSEBundle({
      artifact: payload,
      artifactType: payloadType,
      signature: signData(who.key, dsse.preAuthEncoding(payloadType, payload)),
      keyHint: keyFingerprint(createPublicKey(who.key)),
    });
    return Buffer.from(JSON.stringify(bundleToJSON(bundle)));
  }
  const { DSSEBundleBuilder, FulcioSigner, RekorWitness } = await import('@sigstore/sign');
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      identityProvider: { getToken: () => Promise.resolve(who.identityToken) },
      ...(who.fulcioUrl ? { fulcioBaseURL: who.fulcioUrl } : {}),
    }),
    witnesses: [
      new RekorWitness({ ...(who.rekorUrl ? { rekorBaseURL: who.rekorUrl } : {}), entryType: 'intoto' }),
    ],
  });
  try {
    const bundle = await builder.create({ data: payload, type: payloadType });
    return Buffer.from(JSON.stringify(bundleToJSON(bundle)));
  } catch (cause) {
    throw new PithError('io', 'SIGNING_FAILED', `keyless signing failed: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** The payload of a bundle whose signature `trust` accepts; SIGNATURE_INVALID (naming `where`) otherwise. */
export async function verifyBundle(bytes: Buffer, trust: Trust, where: string): Promise<VerifiedBundle> {
  const { bundleFromJSON } = await import('@sigstore/bundle');
  const { toSignedEntity, toTrustMaterial, Verifier } = await import('@sigstore/verify');
  const { TrustedRoot } = await import('@sigstore/protobuf-specs');
  const invalid = (why: string, cause?: unknown): PithError =>
    new PithError('check', 'SIGNATURE_INVALID', `${where}: ${why}`, cause === undefined ? {} : { cause });
  let bundle: ReturnType<typeof bundleFromJSON>;
  try {
    bundle = bundleFromJSON(JSON.parse(bytes.toString('utf8')));
  } catch (cause) {
    throw invalid('not a sigstore bundle', cause);
  }
  if (bundle.content.$case !== 'dsseEnvelope') throw invalid('not a DSSE bundle (a message signature)');
  const envelope = bundle.content.dsseEnvelope;
  const entity = toSignedEntity(bundle);
  const fail = (cause: unknown): never => {
    throw invalid(`the signature did not verify: ${(cause as Error).message}`, cause);
  };
  if (trust.kind === 'key') {
    if (bundle.verificationMaterial.content.$case !== 'publicKey')
      throw invalid('signed with a certificate (keyless), not with a key');
    // without a trusted root the transparency-log entries and timestamps cannot be checked: they are set
    // aside, and the key's signature alone decides (cosign's --insecure-ignore-tlog); with one, the bundle
    // must be logged, and each entry must verify
    const material = trust.trustedRoot === undefined ? undefined : await trustMaterial(trust.trustedRoot);
    const keyed = material
      ? entity
      : toSignedEntity({
          ...bundle,
          verificationMaterial: {
            ...bundle.verificationMaterial,
            tlogEntries: [],
            timestampVerificationData: { rfc3161Timestamps: [] },
          },
        });
    let last: unknown;
    for (const key of trust.keys) {
      const verifier = new Verifier(
        {
          ...(material ?? toTrustMaterial(TrustedRoot.fromJSON(EMPTY_ROOT))),
          publicKey: () => ({ publicKey: key, validFor: () => true }),
        },
        { tlogThreshold: material ? 1 : 0, ctlogThreshold: 0, timestampThreshold: material ? 1 : 0 },
      );
      try {
        verifier.verify(keyed);
        return {
          payload: Buffer.from(envelope.payload),
          payloadType: envelope.payloadType,
          signer: `sha256:${keyFingerprint(key)}`,
        };
      } catch (err) {
        last = err;
      }
    }
    return fail(last);
  }
  if (entity.key.$case !== 'certificate') throw invalid('signed with a key, not with a certificate');
  const material = await trustMaterial(trust.trustedRoot);
  let signer: { identity?: { subjectAlternativeName?: string; extensions?: { issuer?: string } } } = {};
  try {
    signer = new Verifier(material).verify(entity, {
      // sigstore-js searches a string as a pattern: an exact identity is matched whole, and literally
      subjectAlternativeName:
        typeof trust.identity === 'string' ? new RegExp(`^${escapeRegExp(trust.identity)}$`) : trust.identity,
      ...(typeof trust.issuer === 'string' ? { extensions: { issuer: trust.issuer } } : {}),
    });
  } catch (cause) {
    fail(cause);
  }
  // the library matches a string issuer exactly but takes no RegExp for it: checked here; and the identity
  // is checked again whole, whatever the library made of the pattern
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const san = signer.identity?.subjectAlternativeName ?? '';
  if (typeof trust.identity === 'string' && san !== trust.identity)
    throw invalid(`the certificate's identity ${san} is not ${trust.identity}`);
  if (trust.issuer instanceof RegExp && !trust.issuer.test(issuer))
    throw invalid(`the certificate's issuer ${issuer} does not match ${trust.issuer}`);
  return {
    payload: Buffer.from(envelope.payload),
    payloadType: envelope.payloadType,
    signer: `${signer.identity?.subjectAlternativeName ?? '?'} (${issuer})`,
  };
}

/**
 * Trust material from a TrustedRoot JSON document; TRUSTED_ROOT_INVALID when it is not one. Exported so a
 * caller can check the file once, before any bundle is read.
 */
export async function trustMaterial(json: unknown): Promise<TrustMaterial> {
  const { toTrustMaterial } = await import('@sigstore/verify');
  const { TrustedRoot } = await import('@sigstore/protobuf-specs');
  try {
    return toTrustMaterial(TrustedRoot.fromJSON(json));
  } catch (cause) {
    throw new PithError(
      'input',
      'TRUSTED_ROOT_INVALID',
      `the trusted root is not usable: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

/** Bundles are verified with SHA-256 for every ECDSA key (sigstore-js): P-384 and P-521 keys cannot sign them. */
export function checkBundleKey(key: KeyObject): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve !== 'prime256v1')
    throw new PithError(
      'input',
      'KEY_INVALID',
      `sigstore bundles need an ECDSA P-256, Ed25519 or RSA key; this key is on ${curve} (pith keygen makes P-256)`,
    );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const EMPTY_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};
