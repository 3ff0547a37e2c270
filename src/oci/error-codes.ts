// The error codes the OCI model throws: documents and blobs that break the image-spec rules or pith's
// limits, and references and platforms that cannot be parsed.
import { type ErrorCatalog, errorFactory } from '../util/index.ts';

export const OCI_ERROR_CODES = {
  BAD_JSON: { kind: 'invalid', meaning: 'A document of the image is not valid JSON, or not a JSON object.' },
  BAD_INDEX: { kind: 'invalid', meaning: 'An image index (or index.json) breaks the image-spec rules.' },
  BAD_MANIFEST: { kind: 'invalid', meaning: 'An image manifest breaks the image-spec rules.' },
  BAD_CONFIG: { kind: 'invalid', meaning: 'An image config breaks the image-spec rules.' },
  BAD_DESCRIPTOR: { kind: 'invalid', meaning: 'A descriptor (media type, digest, size) breaks the rules.' },
  DIGEST_MISMATCH: { kind: 'invalid', meaning: 'Content does not hash to the digest that names it.' },
  SIZE_MISMATCH: { kind: 'invalid', meaning: 'A blob or manifest is not the size its descriptor says.' },
  LIMIT_EXCEEDED: {
    kind: 'invalid',
    meaning: 'An image exceeds one of the bounds pith reads within (README "Limits"; details name it).',
  },
  BAD_REFERENCE: { kind: 'input', meaning: 'An image reference cannot be parsed.' },
  BAD_PLATFORM: { kind: 'input', meaning: 'A platform is not os/arch[/variant].' },
  NO_IMAGE_CONFIG: { kind: 'internal', meaning: 'An index was built over images without their configs.' },
} as const satisfies ErrorCatalog;

export type OciErrorCode = keyof typeof OCI_ERROR_CODES;

/** An OCI model error: the code must be oci's, the kind is the catalog's. */
export const ociError = errorFactory(OCI_ERROR_CODES);
