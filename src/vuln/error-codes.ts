// The error codes vuln throws: a feed that is not one of the formats pith reads, or breaks its format's
// rules; a feed that cannot be had (offline with nothing cached); an SBOM that cannot be scanned.
import { type ErrorCatalog, errorFactory } from '../util/index.ts';

export const VULN_ERROR_CODES = {
  FEED_FORMAT_UNKNOWN: {
    kind: 'input',
    meaning:
      'A --feed is neither the Debian security tracker JSON nor OSV records (a JSON file, a directory of them, or a zip export).',
  },
  FEED_INVALID: {
    kind: 'input',
    meaning: 'A vulnerability feed breaks its format (the message names the feed and the field).',
  },
  FEED_TOO_LARGE: {
    kind: 'input',
    meaning:
      'A vulnerability feed (a document, or a directory of them) is over pith’s size, count or depth limits.',
  },
  FEED_NOT_FOUND: {
    kind: 'input',
    meaning: 'A feed URL answered 404: the server has no such feed.',
  },
  FEED_NOT_CACHED: {
    kind: 'io',
    meaning: 'A feed URL was asked for offline (or could not be fetched) and no copy of it is cached.',
  },
  SBOM_UNREADABLE: {
    kind: 'input',
    meaning: 'A --sbom file is neither CycloneDX nor SPDX JSON.',
  },
  VEX_INVALID: {
    kind: 'input',
    meaning:
      'A --vex document is not OpenVEX, or a statement breaks its rules (the message names the statement).',
  },
} as const satisfies ErrorCatalog;

export type VulnErrorCode = keyof typeof VULN_ERROR_CODES;

export const vulnError = errorFactory(VULN_ERROR_CODES);
