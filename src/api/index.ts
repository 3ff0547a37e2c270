// The pith library: `createPith(options)` and every type its requests, reports, events and errors mention.
// The CLI is built on exactly this surface. The fakes for users' own tests are in `pith/testing`.

export type { NetworkOptions } from '../apt-repo/index.ts';
export { comparisonTable } from '../audit/compared-image.ts';
export { AUDIT_RULES, type AuditRuleId } from '../audit/rules.ts';
export { auditSarif } from '../audit/sarif.ts';
export {
  AUDIT_SEVERITIES,
  type AuditFinding,
  type AuditLayer,
  type AuditSeverity,
  type ImageAudit,
  type RunAs,
} from '../audit/types.ts';
export type { Compression } from '../compress/index.ts';
export { ARCHS, type Arch, SUITES, type Suite, VARIANTS, type Variant } from '../config/constants.ts';
export type { ContentEntry, PithConfig, PithConfigInput, PresetInfo } from '../config/index.ts';
export type {
  ImageInventory,
  Inventory,
  InventoryFile,
  LanguagePackage,
  OsInfo,
  OsPackage,
  PackageDatabase,
  PackageLicense,
  Runtime,
} from '../inventory/index.ts';
export {
  DISTRIBUTION_ERROR_CODES,
  type DistributionErrorCode,
  type RegistryErrorCode,
} from '../io/error-codes.ts';
export type { CredentialSource, Credentials } from '../io/index.ts';
export { type Diagnostic, RegistryError } from '../io/registry/transport/errors.ts';
export {
  LINT_RULES,
  LINT_SEVERITIES,
  type LintFinding,
  type LintRuleId,
  type LintSeverity,
} from '../lint/rules.ts';
export { lintSarif } from '../lint/sarif.ts';
export type { Lock, LockedPackage, LockedSuite, LockReason } from '../lockfile/index.ts';
export type { Problem } from '../oci/index.ts';
export type { PinChange, PinResult, PinSkip } from '../pin/index.ts';
export type { Policy, RuleResult } from '../policy/index.ts';
export { policySarif } from '../policy/sarif.ts';
export type { CycloneDxDocument, CycloneDxVersion, SpdxDocument } from '../sbom/index.ts';
export {
  type ErrorKind,
  isPithError,
  type OnEvent,
  type Phase,
  PithError,
  type PithErrorOptions,
  type PithEvent,
  type WarningCode,
} from '../util/index.ts';
export type { FeedSummary } from '../vuln/index.ts';
export {
  FINDING_STATES,
  type Finding,
  type FindingPackage,
  type FindingState,
  SEVERITIES,
  type Severity,
  type SuppressedFinding,
  VEX_JUSTIFICATIONS,
  VEX_STATUSES,
  type VexJustification,
  type VexStatus,
} from '../vuln/types.ts';
export type { AuditOptions, AuditReport } from './audit.ts';
export type { BuildReport, BuildRequest, DebianSummary } from './build.ts';
export type { ComparedImage, CompareReport, CompareRequest } from './compare.ts';
export type { ConfigRequest } from './config-request.ts';
export type { CallOptions, PithOptions, RegistryOptions, ResolvedSettings } from './context.ts';
export type { DebugImage, DebugReport, DebugRequest } from './debug.ts';
export type { DiffReport, DiffRequest, FileChange, PackageChange } from './diff.ts';
export * from './error-codes.ts';
export { auditHtml, compareHtml, diffHtml } from './html.ts';
export type { EditedImage, EditReport } from './image-edit.ts';
export type { ImportReport, ImportRequest } from './import.ts';
export type { InspectReport, ValidateReport } from './inspect.ts';
export type { LddReport, LddRequest } from './ldd.ts';
export type { LintReport, LintRequest } from './lint.ts';
export type { LockReport, LockRequest, WhyReport, WhyRequest } from './lock.ts';
export type { MirrorReport, MirrorRequest } from './mirror.ts';
export type { PinFileReport, PinOptions } from './pin.ts';
export { createPith, type Pith } from './pith.ts';
export type { PolicyCheckRequest, PolicyImageResult, PolicyReport } from './policy.ts';
export type { PresetReport } from './presets.ts';
export type { ProvenanceCheck, ProvenanceLink } from './provenance-chain.ts';
export type { BaseUsed, RebaseImage, RebaseReport, RebaseRequest } from './rebase.ts';
export type { CopyOptions, CopyReport } from './registry.ts';
export type { SbomFormat, SbomReport, SbomRequest } from './sbom.ts';
export type { ImageScan, PackageUpdate, ScanReport, ScanRequest } from './scan.ts';
export { findingsAtLeast, SCAN_DOCUMENT_FORMATS, type ScanDocumentFormat } from './scan-findings.ts';
export type { KeygenReport, KeygenRequest, SignReport, SignRequest } from './sign.ts';
export type { AttestationWritten, SignedDigest, SigningOptions } from './signing.ts';
export type { ArtifactSummary, ImageSummary, LayerSummary } from './summary.ts';
export type {
  FoundVia,
  RejectedItem,
  VerifiedAttestation,
  VerifiedSignature,
  VerifyReport,
  VerifyRequest,
} from './verify.ts';
export type { VexReport, VexRequest } from './vex.ts';
