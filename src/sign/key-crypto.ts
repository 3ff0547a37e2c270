// Raw signatures with a key, as cosign makes and checks them: ECDSA (ASN.1 DER, with the hash its curve
// calls for: P-256 SHA-256, P-384 SHA-384, P-521 SHA-512), RSA PKCS#1 v1.5 with SHA-256, and Ed25519.
import { createHash, type KeyObject, sign, verify } from 'node:crypto';

/** The hash a key signs with (undefined for Ed25519, which hashes internally). */
function hashFor(key: KeyObject): string | undefined {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return undefined;
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
    }
    default:
      return 'sha256';
  }
}

/** The signature of `data` by a private key. */
export function signData(key: KeyObject, data: Buffer): Buffer {
  return sign(hashFor(key), data, key);
}

/** Whether `signature` is `key`'s signature of `data`; never throws on malformed signatures. */
export function verifyData(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(hashFor(key), data, key, signature);
  } catch {
    return false;
  }
}

/** A public key's fingerprint: sha256 of its PKIX DER, hex (what pith reports as the signer of a key signature). */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ format: 'der', type: 'spki' }))
    .digest('hex');
}
