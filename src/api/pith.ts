// `createPith(options)`: the library's one entry point. It returns the verbs as methods of an object that
// owns its context (cache, credentials, network settings, cancellation, progress), so two instances in one
// process never see each other's state. Every method takes its own request and, last, CallOptions (a
// signal and a listener for that call only).
import type { PresetInfo } from '../config/index.ts';
import type { AuditOptions, AuditReport } from './audit.ts';
import type { BuildReport, BuildRequest } from './build.ts';
import type { CompareReport, CompareRequest } from './compare.ts';
import { type CallOptions, makeContext, type PithOptions, type ResolvedSettings } from './context.ts';
import type { DebugReport, DebugRequest } from './debug.ts';
import type { DiffReport, DiffRequest } from './diff.ts';
import type { ImportReport, ImportRequest } from './import.ts';
import type { InspectReport, ValidateReport } from './inspect.ts';
import type { Inventory } from './inventory.ts';
import type { LddReport, LddRequest } from './ldd.ts';
import type { LintReport, LintRequest } from './lint.ts';
import type { LockReport, LockRequest, WhyReport, WhyRequest } from './lock.ts';
import type { MirrorReport, MirrorRequest } from './mirror.ts';
import type { PinFileReport, PinOptions } from './pin.ts';
import type { PolicyCheckRequest, PolicyReport } from './policy.ts';
import type { PresetReport } from './presets.ts';
import type { RebaseReport, RebaseRequest } from './rebase.ts';
import type { CopyOptions, CopyReport } from './registry.ts';
import type { SbomReport, SbomRequest } from './sbom.ts';
import type { ScanReport, ScanRequest } from './scan.ts';
import type { KeygenReport, KeygenRequest, SignReport, SignRequest } from './sign.ts';
import type { VerifyReport, VerifyRequest } from './verify.ts';
import type { VexReport, VexRequest } from './vex.ts';

/** The verbs of pith, bound to one context. */
export interface Pith {
  /** What this instance resolved from its options and environment (cache dir, timeouts, auth file…). */
  readonly settings: ResolvedSettings;
  /** Builds the image a config (file or object) or preset describes and writes it to `req.output`. */
  build(req: BuildRequest, call?: CallOptions): Promise<BuildReport>;
  /** Resolves a config's Debian packages and writes pith.lock.json beside it. */
  lock(req: LockRequest, call?: CallOptions): Promise<LockReport>;
  /** Stores every .deb a lock pins in a registry repository, for --locked builds after Debian drops them. */
  mirror(req: MirrorRequest, call?: CallOptions): Promise<MirrorReport>;
  /** Explains which requirement pulled a package into a config's image, per architecture. */
  why(req: WhyRequest, call?: CallOptions): Promise<WhyReport[]>;
  /** Summarises the artifact any transport reference names. */
  inspect(reference: string, call?: CallOptions): Promise<InspectReport>;
  /** What in the image is stale: Debian packages with a newer version in their suite (-updates, -security). */
  scan(req: ScanRequest, call?: CallOptions): Promise<ScanReport>;
  vex(req: VexRequest, call?: CallOptions): Promise<VexReport>;
  /** An SBOM of the image: CycloneDX 1.6 (or 1.5) or SPDX 2.3 JSON, from its inventory. */
  sbom(req: SbomRequest, call?: CallOptions): Promise<SbomReport>;
  /** Turns a root file system tarball (mmdebstrap, debootstrap, docker export…) into a one-layer image. */
  import(req: ImportRequest, call?: CallOptions): Promise<ImportReport>;
  /** What the artifact holds, per platform: OS, packages (with their files) and every file, flattened. */
  inventory(reference: string, call?: CallOptions): Promise<Inventory>;
  /** The attack surface and layer economy of each platform: shells, package managers, user, findings. */
  audit(reference: string, opts?: AuditOptions, call?: CallOptions): Promise<AuditReport>;
  /** Images side by side: packages, CVEs by severity, shell, package manager, user, sizes, layers, findings. */
  compare(req: CompareRequest, call?: CallOptions): Promise<CompareReport>;
  /** What changed between two images: files and packages added, removed, changed; layers shared. */
  diff(req: DiffRequest, call?: CallOptions): Promise<DiffReport>;
  /** Adds busybox at /busybox (distroless's debug layer) to every platform of any image; its layers stay as they are. */
  debug(req: DebugRequest, call?: CallOptions): Promise<DebugReport>;
  /** Replaces the base layers of every platform of an image with a new base's, keeping its own layers and config. */
  rebase(req: RebaseRequest, call?: CallOptions): Promise<RebaseReport>;
  /** Checks every image of a reference against a policy file: one result per rule, and whether all pass. */
  policyCheck(req: PolicyCheckRequest, call?: CallOptions): Promise<PolicyReport>;
  /** The Debian packages an ELF binary needs: its interpreter and DT_NEEDED libraries, through the suite's Contents. */
  ldd(req: LddRequest, call?: CallOptions): Promise<LddReport>;
  /** Signs an image where it is (registry or layout): a sigstore bundle referrer per manifest, and cosign's legacy `.sig` tag. */
  sign(req: SignRequest, call?: CallOptions): Promise<SignReport>;
  /** Writes a cosign-compatible key pair (PREFIX.key encrypted with PITH_PASSWORD, PREFIX.pub). */
  keygen(req: KeygenRequest, call?: CallOptions): Promise<KeygenReport>;
  /** Checks an image's signatures and attestations offline, and with `provenance`, its chain to the Debian InRelease. */
  verify(req: VerifyRequest, call?: CallOptions): Promise<VerifyReport>;
  /** Lints Dockerfiles for minimal images (and the hygiene rules that apply). */
  lint(req: LintRequest, call?: CallOptions): Promise<LintReport>;
  /** Re-derives every digest, size and diff_id of an artifact; `valid` is false when problems were found. */
  validate(reference: string, call?: CallOptions): Promise<ValidateReport>;
  /** Copies an artifact between any two transports. */
  copy(source: string, destination: string, opts?: CopyOptions, call?: CallOptions): Promise<CopyReport>;
  /** The digest of what a reference names (tags are resolved by hashing the manifest received). */
  digest(reference: string, call?: CallOptions): Promise<string>;
  /** The tags of a repository (`docker://HOST/REPO` or `HOST/REPO`). */
  listTags(repository: string, call?: CallOptions): Promise<string[]>;
  /** Adds a tag to an image in a registry without moving any blob. */
  tag(reference: string, newTag: string, call?: CallOptions): Promise<{ reference: string; digest: string }>;
  /** Checks credentials with the registry, then saves them in the auth file (see `settings.authFile`). */
  login(
    registry: string,
    username: string,
    password: string,
    call?: CallOptions,
  ): Promise<{ registry: string; file: string }>;
  /** Removes a registry's saved credentials from the auth file. */
  logout(registry: string, call?: CallOptions): Promise<{ registry: string; removed: boolean }>;
  /** Pins image references in Dockerfiles, pith configs, Kubernetes and Compose YAML to digests. */
  pin(files: readonly string[], opts?: PinOptions, call?: CallOptions): Promise<PinFileReport[]>;
  /** The shipped presets. */
  presets(call?: CallOptions): Promise<PresetInfo[]>;
  /** One preset by `NAME` or `SUITE/NAME`: its text and its validated config. */
  showPreset(name: string, call?: CallOptions): Promise<PresetReport>;
}

/**
 * Makes a pith instance; see PithOptions for what it owns. Each verb loads its implementation when first
 * called (import()), so a program that builds never loads the vulnerability matcher, and the command line
 * starts without loading the library.
 */
export function createPith(options: PithOptions = {}): Pith {
  const ctx = makeContext(options);
  const on = (call: CallOptions | undefined) => ctx.forCall(call);
  const registry = () => import('./registry.ts');
  return {
    settings: ctx.settings,
    build: (req, call) => on(call).run(async (c) => (await import('./build.ts')).build(c, req)),
    lock: (req, call) => on(call).run(async (c) => (await import('./lock.ts')).lock(c, req)),
    why: (req, call) => on(call).run(async (c) => (await import('./lock.ts')).why(c, req)),
    mirror: (req, call) => on(call).run(async (c) => (await import('./mirror.ts')).mirror(c, req)),
    inspect: (reference, call) =>
      on(call).run(async (c) => (await import('./inspect.ts')).inspect(c, reference)),
    validate: (reference, call) =>
      on(call).run(async (c) => (await import('./inspect.ts')).validate(c, reference)),
    inventory: (reference, call) =>
      on(call).run(async (c) => (await import('./inventory.ts')).inventory(c, reference)),
    audit: (reference, opts, call) =>
      on(call).run(async (c) => (await import('./audit.ts')).audit(c, reference, opts)),
    compare: (req, call) => on(call).run(async (c) => (await import('./compare.ts')).compare(c, req)),
    diff: (req, call) => on(call).run(async (c) => (await import('./diff.ts')).diff(c, req)),
    debug: (req, call) => on(call).run(async (c) => (await import('./debug.ts')).debug(c, req)),
    rebase: (req, call) => on(call).run(async (c) => (await import('./rebase.ts')).rebase(c, req)),
    policyCheck: (req, call) => on(call).run(async (c) => (await import('./policy.ts')).policyCheck(c, req)),
    ldd: (req, call) => on(call).run(async (c) => (await import('./ldd.ts')).ldd(c, req)),
    sign: (req, call) => on(call).run(async (c) => (await import('./sign.ts')).sign(c, req)),
    keygen: (req, call) => on(call).run(async (c) => (await import('./sign.ts')).keygen(c, req)),
    verify: (req, call) => on(call).run(async (c) => (await import('./verify.ts')).verify(c, req)),
    lint: (req, call) => on(call).run(async (c) => (await import('./lint.ts')).lint(c, req)),
    import: (req, call) => on(call).run(async (c) => (await import('./import.ts')).importRootfs(c, req)),
    sbom: (req, call) => on(call).run(async (c) => (await import('./sbom.ts')).sbom(c, req)),
    scan: (req, call) => on(call).run(async (c) => (await import('./scan.ts')).scan(c, req)),
    vex: (req, call) => on(call).run(async (c) => (await import('./vex.ts')).vex(c, req)),
    copy: (source, destination, opts, call) =>
      on(call).run(async (c) => (await registry()).copy(c, source, destination, opts)),
    digest: (reference, call) => on(call).run(async (c) => (await registry()).digest(c, reference)),
    listTags: (repository, call) => on(call).run(async (c) => (await registry()).listTags(c, repository)),
    tag: (reference, newTag, call) => on(call).run(async (c) => (await registry()).tag(c, reference, newTag)),
    login: (registry_, username, password, call) =>
      on(call).run(async (c) => (await registry()).login(c, registry_, username, password)),
    logout: (host, call) => on(call).run(async (c) => (await registry()).logout(c, host)),
    pin: (files, opts, call) => on(call).run(async (c) => (await import('./pin.ts')).pin(c, files, opts)),
    presets: (call) => on(call).run(async () => (await import('../config/index.ts')).listPresets()),
    showPreset: (name, call) => on(call).run(async () => (await import('./presets.ts')).showPreset(name)),
  };
}
