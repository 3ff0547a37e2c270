// The error codes io throws: layouts, archives and transport references, registry transport and auth, and
// the distribution-spec codes a registry answers with (which a RegistryError carries as its own code).
import { type ErrorCatalog, errorFactory } from '../util/index.ts';

export const IO_ERROR_CODES = {
  UNSUPPORTED_COMPRESSION: {
    kind: 'input',
    meaning: 'An archive uses a compression pith does not read (gzip, zstd or none).',
  },
  BAD_TRANSPORT_REF: {
    kind: 'input',
    meaning: 'An image location (oci:DIR, docker-archive:FILE, REF…) is malformed.',
  },
  NO_SUCH_FILE: {
    kind: 'input',
    meaning: 'A file or directory named (a layout, an archive, a file to pin) does not exist.',
  },
  NOT_A_LAYOUT: { kind: 'input', meaning: 'A path given as an OCI layout is not one.' },
  NOT_AN_ARCHIVE: {
    kind: 'input',
    meaning: 'A file given as an archive is not an OCI or docker-archive tar.',
  },
  NOT_AN_IMAGE: { kind: 'input', meaning: 'The artifact named is neither an image nor an index of images.' },
  EMPTY_LAYOUT: { kind: 'input', meaning: 'An OCI layout holds no images.' },
  AMBIGUOUS: { kind: 'input', meaning: 'A layout or archive holds several images and none was named.' },
  TAG_NOT_FOUND: {
    kind: 'input',
    meaning: 'A layout or archive holds no image with the name, tag or index given.',
  },
  BAD_LAYOUT: {
    kind: 'invalid',
    meaning: 'An OCI layout is broken (index.json missing, unknown layout version).',
  },
  BAD_ARCHIVE: {
    kind: 'invalid',
    meaning: 'An archive is broken (a bad manifest.json, or data that does not decompress).',
  },
  MISSING_MEMBER: { kind: 'invalid', meaning: 'A file the layout or archive refers to is missing from it.' },
  MEMBER_NOT_A_FILE: {
    kind: 'invalid',
    meaning: 'A file of a layout is a directory, FIFO, device… instead of a regular file.',
  },
  MISSING_BLOB: { kind: 'invalid', meaning: 'A blob the layout refers to is missing from it.' },
  NO_SPACE: {
    kind: 'io',
    meaning: 'A compressed archive decompresses to more than the free temporary space.',
  },
  BAD_REGISTRY: { kind: 'input', meaning: 'A registry is not host[:port].' },
  PLAIN_HTTP_REFUSED: {
    kind: 'input',
    meaning:
      'Plain http to a host that is not loopback was refused (mark the registry insecure to allow it).',
  },
  BAD_CA_FILE: { kind: 'input', meaning: 'The registry CA file cannot be read or holds no PEM certificate.' },
  BAD_AUTH_FILE: { kind: 'input', meaning: 'The registry auth file is not a JSON object.' },
  BAD_CRED_HELPER: { kind: 'input', meaning: 'A credential helper name in the auth config is not valid.' },
  CRED_HELPER_MISSING: { kind: 'io', meaning: 'A credential helper named in the auth config cannot be run.' },
  CRED_HELPER_FAILED: {
    kind: 'io',
    meaning: 'A credential helper failed or printed something that is not JSON.',
  },
  LOGIN_REFUSED: {
    kind: 'input',
    meaning: 'The registry refused the credentials given to login; nothing was saved.',
  },
  NOT_FOUND: {
    kind: 'input',
    meaning: 'The registry answered 404 Not Found without a distribution error code.',
  },
  REGISTRY_ERROR: {
    kind: 'io',
    meaning: 'The registry answered with an unexpected status (see details.status).',
  },
  REGISTRY_UNREACHABLE: {
    kind: 'io',
    meaning: 'The registry could not be reached (connection, DNS or TLS failure).',
  },
  CONNECTION_LOST: { kind: 'io', meaning: 'A download from the registry was cut short on every attempt.' },
  TOO_MANY_REDIRECTS: { kind: 'io', meaning: 'The registry redirected more than 5 times.' },
  BAD_REDIRECT: { kind: 'io', meaning: 'The registry redirected to an invalid or non-HTTP location.' },
  BAD_RANGE: { kind: 'io', meaning: 'A resumed download got a range other than the one asked for.' },
  EMPTY_BODY: { kind: 'io', meaning: 'A registry response that needs a body had none.' },
  NO_LOCATION: { kind: 'io', meaning: 'The registry answered an upload without a Location header.' },
  BAD_TOKEN_RESPONSE: { kind: 'io', meaning: "The registry's token service answered without a token." },
  BAD_TAG_LIST: { kind: 'invalid', meaning: "The registry's tag list is not a list of strings." },
  BAD_CACHE_RECORD: {
    kind: 'invalid',
    meaning:
      "A cache repository's layer record is not a pith layer-cache artifact for the key asked (it is ignored with a warning).",
  },
  REFERRERS_PAGE: {
    kind: 'io',
    meaning: "A later page of the registry's referrers list is not an image index.",
  },
  REFERRERS_TAG_NOT_INDEX: {
    kind: 'invalid',
    meaning: 'The referrers fallback tag names something not an index.',
  },
  REFERRERS_TAG_CONFLICT: {
    kind: 'io',
    meaning: 'The referrers fallback tag kept changing while pith updated it.',
  },
  BAD_REQUEST_PATH: { kind: 'internal', meaning: 'A registry request path does not start with /.' },
  BODY_USED: { kind: 'internal', meaning: 'A registry response body was read twice.' },
} as const satisfies ErrorCatalog;

export type IoErrorCode = keyof typeof IO_ERROR_CODES;

/**
 * The error codes of the OCI distribution spec (and Docker's registry) in a registry's error body
 * `{"errors":[{code,…}]}`. A RegistryError takes the first one it knows as its own code; the kind is that
 * of the status the spec answers it with (401, 403, 404: input; others: io).
 */
export const DISTRIBUTION_ERROR_CODES = {
  UNAUTHORIZED: {
    kind: 'input',
    meaning: 'Registry: authentication is required, or the credentials were refused.',
  },
  DENIED: { kind: 'input', meaning: 'Registry: access to the resource is denied.' },
  NAME_UNKNOWN: { kind: 'input', meaning: 'Registry: the repository is not known to the registry.' },
  MANIFEST_UNKNOWN: { kind: 'input', meaning: 'Registry: the manifest (tag or digest) is not there.' },
  BLOB_UNKNOWN: { kind: 'input', meaning: 'Registry: the blob is not there.' },
  BLOB_UPLOAD_UNKNOWN: { kind: 'input', meaning: 'Registry: the blob upload session is not known.' },
  BLOB_UPLOAD_INVALID: { kind: 'io', meaning: 'Registry: the blob upload is invalid (it may be retried).' },
  DIGEST_INVALID: { kind: 'io', meaning: 'Registry: uploaded content does not match its digest.' },
  SIZE_INVALID: { kind: 'io', meaning: 'Registry: uploaded content does not match its size.' },
  MANIFEST_INVALID: { kind: 'io', meaning: 'Registry: the manifest pushed is invalid.' },
  MANIFEST_BLOB_UNKNOWN: {
    kind: 'io',
    meaning: 'Registry: the manifest pushed refers to a blob it does not have.',
  },
  MANIFEST_UNVERIFIED: { kind: 'io', meaning: 'Registry: the manifest failed signature verification.' },
  NAME_INVALID: { kind: 'io', meaning: 'Registry: the repository name is invalid.' },
  TAG_INVALID: { kind: 'io', meaning: 'Registry: the tag is invalid.' },
  PAGINATION_NUMBER_INVALID: { kind: 'io', meaning: 'Registry: the page size asked for is invalid.' },
  RANGE_INVALID: { kind: 'io', meaning: 'Registry: the upload range is invalid.' },
  UNSUPPORTED: {
    kind: 'io',
    meaning: 'Registry: the operation is not supported (or 405 Method Not Allowed).',
  },
  TOOMANYREQUESTS: { kind: 'io', meaning: 'Registry: too many requests (rate limited; 429).' },
  UNAVAILABLE: { kind: 'io', meaning: 'Registry: the service is unavailable (it may be retried).' },
  UNKNOWN: { kind: 'io', meaning: 'Registry: an unknown error.' },
} as const satisfies ErrorCatalog;

export type DistributionErrorCode = keyof typeof DISTRIBUTION_ERROR_CODES;

/** The codes a RegistryError can carry: io's own and the distribution spec's. */
export type RegistryErrorCode = IoErrorCode | DistributionErrorCode;

export function isDistributionErrorCode(code: string): code is DistributionErrorCode {
  return Object.hasOwn(DISTRIBUTION_ERROR_CODES, code);
}

/** An io error: the code must be io's, the kind is the catalog's. */
export const ioError = errorFactory(IO_ERROR_CODES);
