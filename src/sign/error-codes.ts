// The error codes sign throws: keys that cannot be read or decrypted, signatures and attestations that do
// not verify, identities and trust roots that do not match, provenance chains with a broken link.
import type { ErrorCatalog } from '../util/index.ts';

export const SIGN_ERROR_CODES = {
  KEY_INVALID: {
    kind: 'input',
    meaning:
      'The key file is not a PEM key pith can use (ECDSA P-256/384/521, Ed25519 or RSA; cosign or PKCS#8).',
  },
  KEY_PASSWORD: {
    kind: 'input',
    meaning:
      'The encrypted key did not decrypt with the passphrase given (PITH_PASSWORD or COSIGN_PASSWORD).',
  },
  PASSWORD_MISSING: {
    kind: 'input',
    meaning:
      'An encrypted key needs a passphrase: set PITH_PASSWORD (COSIGN_PASSWORD is also read; it may be empty).',
  },
  TRUSTED_ROOT_INVALID: {
    kind: 'input',
    meaning: 'The trusted root file is not a sigstore TrustedRoot JSON document.',
  },
  IDENTITY_TOKEN_MISSING: {
    kind: 'input',
    meaning: 'Keyless signing needs an OIDC identity token (--identity-token or SIGSTORE_ID_TOKEN).',
  },
  SIGNING_FAILED: {
    kind: 'io',
    meaning: 'The signing service (Fulcio, Rekor) refused or failed the request.',
  },
  NOT_SIGNED: {
    kind: 'check',
    meaning: 'No signature or attestation that verifies was found for the image.',
  },
  SIGNATURE_INVALID: {
    kind: 'check',
    meaning: 'A signature, certificate or transparency-log entry did not verify.',
  },
  ATTESTATION_MISSING: {
    kind: 'check',
    meaning: 'An attestation the policy requires (SBOM, provenance, VEX) is not attached and signed.',
  },
  PROVENANCE_MISMATCH: {
    kind: 'check',
    meaning:
      'A link of the provenance chain is broken: image layers, provenance dependencies, lock and InRelease disagree.',
  },
} as const satisfies ErrorCatalog;

export type SignErrorCode = keyof typeof SIGN_ERROR_CODES;
