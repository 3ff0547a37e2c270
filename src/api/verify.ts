// `verify`: the signatures and attestations of an image, checked offline against a key or a trusted root
// with the signer identity expected. For the image's digest and each platform manifest's: the sigstore
// bundles attached as referrers (found through the referrers API, the fallback tag, or a layout's
// index.json), and in a registry the legacy `.sig` and `.att` tags. Each is verified (signature, then the
// statement's subject against the digest it was found on) before it counts. `--policy` takes the signers and
// the attestations required from a policy file; `--provenance` walks the chain image ↔ provenance ↔ lock ↔
// InRelease (provenance-chain.ts).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import {
  cosignTagSize,
  parseTransportRef,
  type RemoteOptions,
  readArtifact,
  readCosignTag,
  readReferrerLayer,
  referrersOf,
  type TransportRef,
} from '../io/index.ts';
import {
  ArtifactType,
  CosignAnnotation,
  cosignTag,
  formatPlatform,
  type Image,
  topDocument,
} from '../oci/index.ts';
import {
  ATTESTATION_NAMES,
  attestationType,
  IN_TOTO_PAYLOAD_TYPE,
  isPredicateType,
  isPrivateKeyPem,
  keyFingerprint,
  PredicateType,
  parseSimpleSigning,
  parseStatement,
  readPublicKey,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type Statement,
  subjectDigests,
  type Trust,
  trustMaterial,
  verifyBundle,
  verifyData,
} from '../sign/index.ts';
import { type Digest, isPithError, PithError, readUserFile } from '../util/index.ts';
import type { Context } from './context.ts';
import type { SuiteSource } from './debian-session.ts';
import type { ProvenanceCheck } from './provenance-chain.ts';
import { signSubjectsOf } from './sign.ts';
import { loadPrivateKey } from './signing.ts';

export interface VerifyRequest extends SuiteSource {
  /** The image: any transport reference pith reads that keeps signatures (a registry, an oci: layout). */
  reference: string;
  /** Public key files (PEM; a private key file's public half is used). */
  keys?: string[];
  /** Keyless: the certificate's subject alternative name expected (an e-mail address or URI). */
  certificateIdentity?: string;
  /** Keyless: a regular expression the subject alternative name must match instead. */
  certificateIdentityRegexp?: string;
  /** Keyless: the OIDC issuer expected in the certificate. */
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  /** Keyless: the sigstore TrustedRoot JSON file (Fulcio CAs, Rekor and CT log keys). */
  trustedRoot?: string;
  /** Attestations each image must carry, signed: cyclonedx, spdx, openvex, slsaprovenance, or a predicate type URI. */
  attestations?: string[];
  /** A policy file: its `signatures` say who must have signed and which attestations are required. */
  policy?: string;
  /** Walk image ↔ SLSA provenance ↔ lock ↔ InRelease for each image. */
  provenance?: boolean;
  /** The lock the provenance is checked against (with `provenance`). */
  lock?: string;
}

export type FoundVia = 'referrers-api' | 'referrers-tag' | 'layout' | 'sig-tag' | 'att-tag';

export interface VerifiedSignature {
  digest: string;
  platform?: string;
  /** `bundle` (sigstore bundle v0.3) or `simple-signing` (the legacy `.sig` tag). */
  format: 'bundle' | 'simple-signing';
  signer: string;
  via: FoundVia;
  /** The docker reference a simple-signing payload was signed for. */
  dockerReference?: string;
}

export interface VerifiedAttestation {
  digest: string;
  platform?: string;
  predicateType: string;
  signer: string;
  via: FoundVia;
}

export interface RejectedItem {
  digest: string;
  via: FoundVia;
  reason: string;
}

export interface VerifyReport {
  reference: string;
  digest: string;
  /** True when the image is signed, every required attestation is there, and every provenance chain holds. */
  verified: boolean;
  signatures: VerifiedSignature[];
  attestations: VerifiedAttestation[];
  /** Signatures and attestations found that did not verify, and why. */
  rejected: RejectedItem[];
  provenance?: ProvenanceCheck[];
  /** Why `verified` is false, the first broken link first. */
  problems: string[];
}

const MAX_BUNDLE = 64 << 20;
/** Bytes of bundles one verify reads at most, across every digest. */
const MAX_TOTAL_BYTES = 512 << 20;
/** Bundle referrers of one digest read at most (a hostile registry may list any number). */
const MAX_BUNDLES = 256;
const BUNDLE_TYPES = new Set<string>([ArtifactType.sigstoreBundle, ArtifactType.sigstoreBundleParam]);

export async function verify(ctx: Context, req: VerifyRequest): Promise<VerifyReport> {
  const ref = parseTransportRef(req.reference, { allowBarePath: true });
  // loaded only when asked for: the policy gate and the Debian client are most of pith's start-up
  const policy = req.policy ? await (await import('./policy.ts')).readPolicy(req.policy) : undefined;
  const policyDir = req.policy ? dirname(resolve(req.policy)) : '.';
  const signers = policy?.signatures;
  const trust = await trustFor(ctx, {
    ...req,
    keys: [...(req.keys ?? []), ...(signers?.keys ?? []).map((k) => resolve(policyDir, k))],
    ...(signers?.identity && !req.certificateIdentity ? { certificateIdentity: signers.identity } : {}),
    ...(signers?.issuer && !req.certificateOidcIssuer ? { certificateOidcIssuer: signers.issuer } : {}),
    ...(signers?.trustedRoot && !req.trustedRoot
      ? { trustedRoot: resolve(policyDir, signers.trustedRoot) }
      : {}),
  });
  // one client per registry for every read of this verify
  const remote: RemoteOptions = { ...ctx.remote('pull'), clients: new Map() };
  const artifact = await readArtifact(ref, { ...ctx.read(), clients: remote.clients });
  const subjects = signSubjectsOf(artifact, true);
  const top = topDocument(artifact).digest;
  const report: VerifyReport = {
    reference: req.reference,
    digest: top,
    verified: false,
    signatures: [],
    attestations: [],
    rejected: [],
    problems: [],
  };
  /** Every signed provenance found per digest: those about it first (the others only explain a mismatch). */
  const provenances = new Map<string, Statement[]>();
  const budget = { bytes: MAX_TOTAL_BYTES };
  for (const s of subjects) {
    const digest = s.descriptor.digest as Digest;
    ctx.emit({ type: 'phase', phase: 'verify', item: digest });
    const found = await attachedTo(ref, digest, trust, budget, remote);
    for (const f of found) {
      if ('reason' in f) report.rejected.push({ digest, via: f.via, reason: f.reason });
      else if (f.kind === 'signature')
        report.signatures.push({ ...f.signature, ...(s.platform ? { platform: s.platform } : {}) });
      else {
        if (isPredicateType(f.statement.predicateType, PredicateType.slsaProvenance)) {
          const list = provenances.get(digest) ?? [];
          if (f.subjectMatches) list.unshift(f.statement);
          else list.push(f.statement);
          provenances.set(digest, list);
        }
        if (f.subjectMatches)
          report.attestations.push({
            digest,
            ...(s.platform ? { platform: s.platform } : {}),
            predicateType: f.statement.predicateType,
            signer: f.signer,
            via: f.via,
          });
        else
          report.rejected.push({
            digest,
            via: f.via,
            reason: `a ${f.statement.predicateType} attestation signed by ${f.signer} is about ${subjectDigests(f.statement).join(', ') || 'nothing'}, not ${digest}`,
          });
      }
    }
  }
  if (!report.signatures.some((s) => s.digest === top))
    report.problems.push(
      `${top} has no signature that verifies${report.rejected.length ? ` (${report.rejected.length} rejected: ${report.rejected[0]!.reason})` : ''}`,
    );
  const required = [...(req.attestations ?? []), ...(policy?.require?.attestations ?? [])].map(
    predicateTypeOf,
  );
  const images = artifact.kind === 'image' ? subjects : subjects.slice(1);
  if (images.length === 0 && (required.length || req.provenance))
    report.problems.push(`${top}: the index holds no images to check attestations or provenance on`);
  for (const img of images)
    for (const type of required) {
      const has = report.attestations.some(
        (a) =>
          (a.digest === img.descriptor.digest || a.digest === top) && isPredicateType(a.predicateType, type),
      );
      if (!has)
        report.problems.push(
          `${img.platform ?? 'image'} ${img.descriptor.digest}: no signed ${type} attestation`,
        );
    }
  if (req.provenance) {
    const { checkProvenance } = await import('./provenance-chain.ts');
    report.provenance = [];
    const source = {
      ...(req.mirror ? { mirror: req.mirror } : {}),
      ...(req.keyrings ? { keyrings: req.keyrings } : {}),
    };
    for (const img of images) {
      const image = imageOf(artifact, img.descriptor.digest);
      const platform = img.platform ?? (image.config ? formatPlatform(image.config.value) : undefined);
      const candidates = [
        ...new Set([...(provenances.get(img.descriptor.digest) ?? []), ...(provenances.get(top) ?? [])]),
      ];
      // several provenances (a rebuild attached another): the chain holds when one of them holds; when none
      // does, the one whose chain held longest is reported (its first broken link is the informative one)
      let check: ProvenanceCheck | undefined;
      const reach = (c: ProvenanceCheck) => c.links.findIndex((l) => !l.ok);
      for (const statement of candidates.length ? candidates : [undefined]) {
        const c = await checkProvenance(ctx, {
          image,
          ...(platform ? { platform } : {}),
          ...(statement ? { statement } : {}),
          ...(req.lock ? { lock: req.lock } : {}),
          source,
        });
        if (!check || reach(c) > reach(check)) check = c;
        if (c.ok) {
          check = c;
          break;
        }
      }
      report.provenance.push(check!);
      if (!check!.ok) report.problems.push(check!.links.find((l) => !l.ok)!.detail);
    }
  }
  report.verified = report.problems.length === 0;
  return report;
}

function imageOf(artifact: Awaited<ReturnType<typeof readArtifact>>, digest: string): Image {
  if (artifact.kind === 'image') return artifact;
  const found = artifact.children.find((c): c is Image => c.kind === 'image' && c.manifest.digest === digest);
  if (!found) throw new Error(`no image ${digest} in the index`); // signSubjectsOf listed it: a bug if missing
  return found;
}

/** The predicate type a name of `--attestation` stands for. */
function predicateTypeOf(name: string): string {
  const type = attestationType(name);
  if (type) return type;
  throw new PithError(
    'usage',
    'BAD_SIGNING_OPTIONS',
    `unknown attestation "${name}": use ${Object.keys(ATTESTATION_NAMES).join(', ')}, or a predicate type URI`,
  );
}

/** The trust of the request: keys, or keyless (trusted root, identity and issuer); exactly one. */
async function trustFor(ctx: Context, req: VerifyRequest): Promise<Trust> {
  const keyless = req.certificateIdentity ?? req.certificateIdentityRegexp;
  if (req.keys?.length && keyless)
    throw new PithError(
      'usage',
      'BAD_SIGNING_OPTIONS',
      'verify against keys or a certificate identity, not both',
    );
  if (req.keys?.length) {
    const keys: KeyObject[] = [];
    for (const path of req.keys) {
      const bytes = await readUserFile(path, 64 << 10, 'key');
      keys.push(
        isPrivateKeyPem(bytes)
          ? createPublicKey(await loadPrivateKey(ctx, path))
          : readPublicKey(bytes, path),
      );
    }
    return {
      kind: 'key',
      keys,
      ...(req.trustedRoot ? { trustedRoot: await readTrustedRoot(req.trustedRoot) } : {}),
    };
  }
  if (!keyless)
    throw new PithError(
      'usage',
      'BAD_SIGNING_OPTIONS',
      'say whom to trust: --key FILE, or --certificate-identity with --certificate-oidc-issuer and --trusted-root',
    );
  const issuer = req.certificateOidcIssuer ?? req.certificateOidcIssuerRegexp;
  if (!issuer || !req.trustedRoot)
    throw new PithError(
      'usage',
      'BAD_SIGNING_OPTIONS',
      'keyless verification needs --certificate-oidc-issuer and --trusted-root (the sigstore TrustedRoot JSON)',
    );
  const trustedRoot = await readTrustedRoot(req.trustedRoot);
  return {
    kind: 'keyless',
    trustedRoot,
    identity: req.certificateIdentity ?? regexp(req.certificateIdentityRegexp!, 'identity'),
    issuer: req.certificateOidcIssuer ?? regexp(req.certificateOidcIssuerRegexp!, 'issuer'),
  };
}

/** A TrustedRoot file, read and checked once (TRUSTED_ROOT_INVALID, exit 3), before any bundle is. */
async function readTrustedRoot(path: string): Promise<unknown> {
  const bytes = await readUserFile(path, 16 << 20, 'trusted root');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new PithError('input', 'TRUSTED_ROOT_INVALID', `${path}: not JSON`, { cause });
  }
  await trustMaterial(json);
  return json;
}

function regexp(text: string, what: string): RegExp {
  try {
    return new RegExp(text);
  } catch (cause) {
    throw new PithError(
      'usage',
      'BAD_SIGNING_OPTIONS',
      `the ${what} pattern ${text} is not a regular expression`,
      {
        cause,
      },
    );
  }
}

type Found =
  | { kind: 'signature'; signature: VerifiedSignature }
  | { kind: 'attestation'; statement: Statement; signer: string; via: FoundVia; subjectMatches: boolean }
  | { reason: string; via: FoundVia };

/** Everything attached to `digest`, each verified or rejected with its reason. */
async function attachedTo(
  ref: TransportRef,
  digest: Digest,
  trust: Trust,
  budget: { bytes: number },
  opts: RemoteOptions,
): Promise<Found[]> {
  const out: Found[] = [];
  const { referrers, via } = await referrersOf(ref, digest, opts);
  const found: FoundVia = via === 'none' ? 'layout' : via;
  const bundles = referrers.filter((d) => d.artifactType && BUNDLE_TYPES.has(d.artifactType));
  if (bundles.length > MAX_BUNDLES)
    out.push({
      reason: `${bundles.length} bundles are attached; only the first ${MAX_BUNDLES} were read`,
      via: found,
    });
  for (const r of bundles.slice(0, MAX_BUNDLES)) {
    await rejecting(out, found, async () => {
      const { bytes } = await readReferrerLayer(ref, r, spend(budget, r.digest), opts);
      budget.bytes -= bytes.length;
      const v = await verifyBundle(bytes, trust, `bundle ${r.digest}`);
      if (v.payloadType !== IN_TOTO_PAYLOAD_TYPE)
        return { reason: `bundle ${r.digest}: payload type ${v.payloadType} is not in-toto`, via: found };
      return fromStatement(parseStatement(v.payload, `bundle ${r.digest}`), digest, v.signer, found);
    });
  }
  if (ref.transport !== 'docker') return out;
  const tag = (kind: 'sig' | 'att') => cosignTag(digest, kind);
  // keyless: cosign 1-2's tag signatures carry a certificate and a Rekor bundle in annotations, not read;
  // a key with a trusted root asks for logged signatures, and the legacy tags are in no log
  const unread =
    trust.kind !== 'key'
      ? 'found and not checked; pith checks keyless signatures in sigstore bundles only'
      : trust.trustedRoot !== undefined
        ? 'not counted: they are in no transparency log'
        : undefined;
  if (unread !== undefined || trust.kind !== 'key') {
    for (const kind of ['sig', 'att'] as const) {
      const via: FoundVia = kind === 'sig' ? 'sig-tag' : 'att-tag';
      await rejecting(out, via, async () => {
        const layers = await cosignTagSize(ref.ref, digest, kind, opts);
        return layers ? { reason: `${tag(kind)}: ${layers} legacy layer(s) ${unread}`, via } : undefined;
      });
    }
    return out;
  }
  await rejecting(out, 'sig-tag', async () => {
    for (const layer of await readCosignTag(ref.ref, digest, 'sig', opts)) {
      if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) continue;
      const sig = Buffer.from(layer.annotations[CosignAnnotation.signature] ?? '', 'base64');
      const key = trust.keys.find((k) => verifyData(k, layer.payload, sig));
      if (!key) {
        out.push({ reason: `${tag('sig')}: a signature did not verify with the key given`, via: 'sig-tag' });
        continue;
      }
      await rejecting(out, 'sig-tag', async () => {
        const payload = parseSimpleSigning(layer.payload, tag('sig'));
        if (payload.digest !== digest)
          return { reason: `${tag('sig')}: signs ${payload.digest}, not ${digest}`, via: 'sig-tag' };
        return {
          kind: 'signature',
          signature: {
            digest,
            format: 'simple-signing',
            signer: `sha256:${keyFingerprint(key)}`,
            via: 'sig-tag',
            dockerReference: payload.dockerReference,
          },
        };
      });
    }
    return undefined;
  });
  await rejecting(out, 'att-tag', async () => {
    const layers = await readCosignTag(ref.ref, digest, 'att', opts);
    // the DSSE pre-authentication encoding is sigstore's (the one bundles are signed over), loaded when needed
    const { dsse } = layers.length ? await import('@sigstore/core') : { dsse: undefined };
    for (const layer of layers) {
      const v = legacyAttestation(layer.payload, trust.keys, dsse!);
      if ('reason' in v) out.push({ reason: `${tag('att')}: ${v.reason}`, via: 'att-tag' });
      else
        await rejecting(out, 'att-tag', async () =>
          fromStatement(parseStatement(v.payload, tag('att')), digest, v.signer, 'att-tag'),
        );
    }
    return undefined;
  });
  return out;
}

/**
 * Runs one check of something attached; what it finds (if anything) is added to `out`, and a PithError
 * about that one thing (a bad signature, an oversized or malformed artifact) becomes a rejection, so the
 * rest is still checked. A trusted root that is not usable stops everything (exit 3): nothing could pass.
 */
async function rejecting(
  out: Found[],
  via: FoundVia,
  check: () => Promise<Found | undefined>,
): Promise<void> {
  try {
    const f = await check();
    if (f) out.push(f);
  } catch (err) {
    // the environment failing (the network, a cancel) is no verdict on a signature: it stops the call
    if (
      !isPithError(err) ||
      err.kind === 'internal' ||
      err.kind === 'io' ||
      err.code === 'TRUSTED_ROOT_INVALID'
    )
      throw err;
    out.push({ reason: err.message, via });
  }
}

/** The bytes one more referrer may take: at most MAX_BUNDLE, and what the call may still read. */
function spend(budget: { bytes: number }, digest: string): number {
  if (budget.bytes <= 0)
    throw new PithError(
      'invalid',
      'LIMIT_EXCEEDED',
      `referrer ${digest}: ${MAX_TOTAL_BYTES} bytes of bundles were already read; not reading more`,
    );
  return Math.min(MAX_BUNDLE, budget.bytes);
}

function fromStatement(statement: Statement, digest: Digest, signer: string, via: FoundVia): Found {
  const subjectMatches = subjectDigests(statement).includes(digest);
  if (statement.predicateType === PredicateType.cosignSign) {
    if (!subjectMatches)
      return {
        reason: `a signature by ${signer} is about ${subjectDigests(statement).join(', ')}, not ${digest}`,
        via,
      };
    return { kind: 'signature', signature: { digest, format: 'bundle', signer, via } };
  }
  return { kind: 'attestation', statement, signer, via, subjectMatches };
}

/** A DSSE envelope from a legacy `.att` layer, checked against the keys (over the PAE of its payload type and body). */
function legacyAttestation(
  bytes: Buffer,
  keys: readonly KeyObject[],
  dsse: { preAuthEncoding(payloadType: string, payload: Buffer): Buffer },
): { payload: Buffer; signer: string } | { reason: string } {
  let env: { payloadType?: unknown; payload?: unknown; signatures?: { sig?: unknown }[] };
  try {
    env = JSON.parse(bytes.toString('utf8')) as typeof env;
  } catch {
    return { reason: 'not a DSSE envelope' };
  }
  if (
    typeof env.payloadType !== 'string' ||
    typeof env.payload !== 'string' ||
    !Array.isArray(env.signatures)
  )
    return { reason: 'not a DSSE envelope' };
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return { reason: `payload type ${env.payloadType} is not in-toto` };
  const payload = Buffer.from(env.payload, 'base64');
  const pae = dsse.preAuthEncoding(env.payloadType, payload);
  for (const s of env.signatures) {
    if (typeof s?.sig !== 'string') continue;
    const key = keys.find((k) => verifyData(k, pae, Buffer.from(s.sig as string, 'base64')));
    if (key) return { payload, signer: `sha256:${keyFingerprint(key)}` };
  }
  return { reason: 'no signature verified with the key given' };
}
