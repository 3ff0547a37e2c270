// The error codes apt-repo throws: mirrors and suites that cannot be used, Release files that fail
// verification, malformed indexes and versions, failed downloads, offline misses and unsatisfiable relations.
import type { ErrorCatalog } from '../util/index.ts';

export const APT_REPO_ERROR_CODES = {
  NO_MIRROR: {
    kind: 'input',
    meaning: 'No Debian mirror is configured and none is found in the host apt sources.',
  },
  NO_SECURITY_MIRROR: {
    kind: 'input',
    meaning: 'No Debian security mirror is configured and none is found in the host apt sources.',
  },
  BAD_MIRROR_URL: { kind: 'input', meaning: 'A mirror is not a usable URL (or carries credentials).' },
  NO_SUCH_SUITE: { kind: 'input', meaning: 'The mirror has no such suite.' },
  SUITE_WITHOUT_COMPONENTS: {
    kind: 'input',
    meaning: "A suite's Release lists none of the wanted components.",
  },
  NO_SUCH_INDEX: {
    kind: 'input',
    meaning: 'A suite has no Packages index for the component and architecture.',
  },
  NO_CONTENTS_INDEX: {
    kind: 'input',
    meaning: "A suite's Release lists no Contents index for the component and architecture.",
  },
  BAD_CONTENTS: {
    kind: 'invalid',
    meaning: 'A Contents index (verified by its hash) cannot be decompressed.',
  },
  BAD_KEYRING: { kind: 'input', meaning: 'A keyring file is not an OpenPGP keyring.' },
  RELEASE_NOT_SIGNED: {
    kind: 'invalid',
    meaning: "A suite's Release is not signed (pith refuses unsigned suites).",
  },
  RELEASE_SIGNATURE_INVALID: {
    kind: 'invalid',
    meaning: 'A Release has no valid signature from a trusted key.',
  },
  RELEASE_EXPIRED: {
    kind: 'invalid',
    meaning: 'A Release is past its Valid-Until: the mirror is stale or replayed.',
  },
  RELEASE_FROM_FUTURE: { kind: 'invalid', meaning: 'A Release is dated in the future (check the clock).' },
  BAD_RELEASE: { kind: 'invalid', meaning: 'A Release file is malformed.' },
  BAD_PACKAGES: { kind: 'invalid', meaning: 'A Packages index has a stanza without a required field.' },
  BAD_COMPACT_INDEX: {
    kind: 'invalid',
    meaning:
      'A cached compact Packages index is unreadable or of another format (it is made again from the index).',
  },
  BAD_DEB822: { kind: 'invalid', meaning: 'A deb822 file (Release, Packages, sources) is malformed.' },
  BAD_RELATION: { kind: 'invalid', meaning: 'A package relation (Depends, Pre-Depends…) cannot be parsed.' },
  BAD_VERSION: { kind: 'invalid', meaning: 'A Debian version has bad syntax.' },
  BAD_VERSION_OP: {
    kind: 'input',
    meaning: 'A version relation operator is not one of `<<`, `<=`, `=`, `>=`, `>>`.',
  },
  HASH_MISMATCH: {
    kind: 'invalid',
    meaning: 'A download does not match the size and SHA-256 its index lists.',
  },
  FETCH_FAILED: {
    kind: 'io',
    meaning: 'A download from a Debian mirror failed (after retries) or was not found.',
  },
  TOO_LARGE: {
    kind: 'io',
    meaning: 'A download (a mirror file, a registry response) is larger than pith accepts.',
  },
  OFFLINE: {
    kind: 'input',
    meaning: 'Offline mode is on and the cache has no usable copy of what is needed.',
  },
  UNSATISFIABLE: {
    kind: 'input',
    meaning: 'A package or a dependency cannot be satisfied for the architecture.',
  },
} as const satisfies ErrorCatalog;

export type AptRepoErrorCode = keyof typeof APT_REPO_ERROR_CODES;
