// Every error code the library throws in one list, ERROR_CODES (code → kind, exit code, module, meaning),
// merged from the modules' own catalogs (src/<module>/error-codes.ts), and api's own codes. docs/errors.md
// is generated from it (npm run errors); test/scripts/error-codes.test.ts checks it against the source.
import { APT_REPO_ERROR_CODES, type AptRepoErrorCode } from '../apt-repo/error-codes.ts';
import { ASSEMBLE_ERROR_CODES, type AssembleErrorCode } from '../assemble/error-codes.ts';
import { COMPRESS_ERROR_CODES, type CompressErrorCode } from '../compress/error-codes.ts';
import { CONFIG_ERROR_CODES, type ConfigErrorCode } from '../config/error-codes.ts';
import { DEB_ARCHIVE_ERROR_CODES, type DebArchiveErrorCode } from '../deb-archive/error-codes.ts';
import { INVENTORY_ERROR_CODES, type InventoryErrorCode } from '../inventory/error-codes.ts';
import {
  DISTRIBUTION_ERROR_CODES,
  type DistributionErrorCode,
  IO_ERROR_CODES,
  type IoErrorCode,
} from '../io/error-codes.ts';
import { LAYER_ERROR_CODES, type LayerErrorCode } from '../layer/error-codes.ts';
import { LOCKFILE_ERROR_CODES, type LockfileErrorCode } from '../lockfile/error-codes.ts';
import { NODE_ERROR_CODES, type NodeErrorCode } from '../node/error-codes.ts';
import { OCI_ERROR_CODES, type OciErrorCode } from '../oci/error-codes.ts';
import { PIN_ERROR_CODES, type PinErrorCode } from '../pin/error-codes.ts';
import { ROOTFS_ERROR_CODES, type RootfsErrorCode } from '../rootfs/error-codes.ts';
import { SBOM_ERROR_CODES, type SbomErrorCode } from '../sbom/error-codes.ts';
import { SIGN_ERROR_CODES, type SignErrorCode } from '../sign/error-codes.ts';
import { TAR_ERROR_CODES, type TarErrorCode } from '../tar/error-codes.ts';
import {
  type ErrorCatalog,
  type ErrorCodeInfo,
  indexErrorCatalogs,
  UTIL_ERROR_CODES,
  type UtilErrorCode,
} from '../util/index.ts';
import { VULN_ERROR_CODES, type VulnErrorCode } from '../vuln/error-codes.ts';
import { ZIP_ERROR_CODES, type ZipErrorCode } from '../zip/error-codes.ts';

export type { ErrorCodeInfo };

export const API_ERROR_CODES = {
  BAD_SIGNING_OPTIONS: {
    kind: 'usage',
    meaning:
      'Signing or verifying was asked for without saying how (a key, or keyless with an identity), or with both.',
  },
  BAD_CACHE_REPO: {
    kind: 'input',
    meaning:
      'A cache repository (--cache-repo, cacheRepo, mirror.registry, pith mirror) is not docker://HOST/REPO without a tag.',
  },
  NO_PLACE_FOR_SIGNATURES: {
    kind: 'input',
    meaning:
      'Signatures were asked for on an archive, which has no place for referrers (use a registry or an oci: layout).',
  },
  KEY_EXISTS: {
    kind: 'input',
    meaning: 'pith keygen would overwrite an existing key file (pass --force to replace it).',
  },
  NO_CONFIG: { kind: 'usage', meaning: 'A build or lock was asked for without a config file or a preset.' },
  ALL_NEEDS_REGISTRIES: {
    kind: 'usage',
    meaning: 'copy --all (with referrers) needs a registry on both sides.',
  },
  NOTHING_TO_LOCK: {
    kind: 'input',
    meaning: 'The config installs no Debian packages, so there is nothing to lock.',
  },
  NOT_INSTALLED: {
    kind: 'input',
    meaning: 'pith why was asked about a package the config does not install.',
  },
  UNSUPPORTED_SBOM_FORMAT: {
    kind: 'usage',
    meaning: 'An SBOM was asked for in a format pith does not write.',
  },
  UNSUPPORTED_SCAN_FORMAT: {
    kind: 'usage',
    meaning: 'scan was asked for a document format other than sarif and cyclonedx.',
  },
  BAD_SEVERITY: {
    kind: 'usage',
    meaning:
      'A severity (scan --severity, --fail-on) is not one of critical, high, medium, low, negligible, unknown.',
  },
  SCAN_TARGET: {
    kind: 'usage',
    meaning: 'scan was given both an image and an SBOM, or neither.',
  },
  UNPINNED: { kind: 'check', meaning: 'pin --check found image references not pinned to a digest.' },
  BAD_ARCH: {
    kind: 'usage',
    meaning: 'ldd was asked for an architecture that is not one of the Debian architectures pith builds.',
  },
  UNKNOWN_BINARY_ARCH: {
    kind: 'input',
    meaning: 'ldd was given an ELF file for a machine that is none of the Debian architectures pith builds.',
  },
  UNSUPPORTED_PLATFORM: {
    kind: 'input',
    meaning: 'debug or rebase was given an image whose platform is no Debian architecture.',
  },
  UNSUPPORTED_SUITE: {
    kind: 'input',
    meaning: 'debug was asked for (or found in the image) a Debian suite pith has no busybox layout for.',
  },
  LAYER_COUNT_MISMATCH: {
    kind: 'invalid',
    meaning:
      "An image to edit (debug, rebase) has a config whose diff_ids do not match its manifest's layers.",
  },
  NO_OLD_BASE: {
    kind: 'input',
    meaning:
      'rebase: the image names no base (org.opencontainers.image.base.name) and --old-base was not given.',
  },
  NOT_ON_BASE: {
    kind: 'input',
    meaning:
      "rebase: the image's first layers are not its old base's layers (named: platform, layer, diff_ids).",
  },
} as const satisfies ErrorCatalog;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Every code a PithError from the library can carry. */
export type ErrorCode =
  | UtilErrorCode
  | CompressErrorCode
  | TarErrorCode
  | OciErrorCode
  | AptRepoErrorCode
  | DebArchiveErrorCode
  | LayerErrorCode
  | IoErrorCode
  | DistributionErrorCode
  | InventoryErrorCode
  | SbomErrorCode
  | VulnErrorCode
  | ZipErrorCode
  | ConfigErrorCode
  | LockfileErrorCode
  | NodeErrorCode
  | RootfsErrorCode
  | AssembleErrorCode
  | PinErrorCode
  | SignErrorCode
  | ApiErrorCode;

/** The module catalogs, from the bottom of the import graph up. */
const CATALOGS: readonly (readonly [module: string, catalog: ErrorCatalog])[] = [
  ['util', UTIL_ERROR_CODES],
  ['compress', COMPRESS_ERROR_CODES],
  ['tar', TAR_ERROR_CODES],
  ['oci', OCI_ERROR_CODES],
  ['apt-repo', APT_REPO_ERROR_CODES],
  ['deb-archive', DEB_ARCHIVE_ERROR_CODES],
  ['layer', LAYER_ERROR_CODES],
  ['io', IO_ERROR_CODES],
  ['io', DISTRIBUTION_ERROR_CODES],
  ['inventory', INVENTORY_ERROR_CODES],
  ['sbom', SBOM_ERROR_CODES],
  ['zip', ZIP_ERROR_CODES],
  ['vuln', VULN_ERROR_CODES],
  ['config', CONFIG_ERROR_CODES],
  ['lockfile', LOCKFILE_ERROR_CODES],
  ['sign', SIGN_ERROR_CODES],
  ['node', NODE_ERROR_CODES],
  ['rootfs', ROOTFS_ERROR_CODES],
  ['assemble', ASSEMBLE_ERROR_CODES],
  ['pin', PIN_ERROR_CODES],
  ['api', API_ERROR_CODES],
];

/** Every error code of the library: its kind, the CLI's exit code for it, its module and meaning. */
export const ERROR_CODES = indexErrorCatalogs(CATALOGS) as Readonly<Record<ErrorCode, ErrorCodeInfo>>;
