// Signing, shared by `pith sign` and `pith build --sign-key`: who signs (a key file, or keyless through
// Fulcio and Rekor), then, per digest, a sigstore bundle (a DSSE in-toto statement of predicate type
// cosign/sign/v1, as cosign v3 writes) attached as an OCI 1.1 referrer, and in a registry, with a key, the
// legacy `sha256-<hex>.sig` tag podman, skopeo and older cosign read; and attestations (SBOM, OpenVEX, SLSA
// provenance) as signed DSSE bundles attached the same way. Making the bundles (prepare*) is apart from
// writing them (write*), so a build signs before it writes anything.
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  type RemoteOptions,
  readCosignTag,
  type TransportRef,
  writeCosignTag,
  writeReferrers,
} from '../io/index.ts';
import {
  Annotation,
  ArtifactType,
  BundleAnnotation,
  buildReferrer,
  CosignAnnotation,
  cosignTag,
  type Descriptor,
  type Image,
  type SignedLayer,
} from '../oci/index.ts';
import {
  checkBundleKey,
  IN_TOTO_PAYLOAD_TYPE,
  makeStatement,
  PredicateType,
  readPrivateKey,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type SigningIdentity,
  signData,
  signDsse,
  simpleSigningPayload,
  verifyData,
} from '../sign/index.ts';
import { type Digest, isPithError, PithError, readUserFile } from '../util/index.ts';
import type { Context } from './context.ts';

/** How to sign: a key file, or keyless (an OIDC token exchanged for a Fulcio certificate, logged in Rekor). */
export interface SigningOptions {
  /** A private key file: cosign's encrypted format (passphrase from PITH_PASSWORD or COSIGN_PASSWORD) or PKCS#8 PEM. */
  key?: string;
  /** Sign keyless through Fulcio and Rekor. */
  keyless?: boolean;
  /** The OIDC identity token for keyless signing (default: SIGSTORE_ID_TOKEN of the environment). */
  identityToken?: string;
  /** Fulcio's base URL (default: sigstore's public instance). */
  fulcioUrl?: string;
  /** Rekor's base URL (default: sigstore's public instance). */
  rekorUrl?: string;
}

/** One digest signed: the bundle referrer written, and the legacy tag when one was. */
export interface SignedDigest {
  digest: string;
  platform?: string;
  /** The referrer manifest holding the sigstore bundle. */
  bundle: Descriptor;
  /** `sha256-<hex>.sig`, in a registry, when signed with a key. */
  legacyTag?: string;
}

/** One attestation written: its predicate type and the referrer manifest holding the signed bundle. */
export interface AttestationWritten {
  digest: string;
  platform?: string;
  predicateType: string;
  bundle: Descriptor;
}

const MAX_KEY_FILE = 64 << 10;

/** The passphrase of encrypted keys: PITH_PASSWORD, else cosign's COSIGN_PASSWORD. */
export function keyPassword(ctx: Context): string | undefined {
  return ctx.env['PITH_PASSWORD'] ?? ctx.env['COSIGN_PASSWORD'];
}

/** A private key file, decrypted with the environment's passphrase. */
export async function loadPrivateKey(ctx: Context, path: string): Promise<KeyObject> {
  const bytes = await readUserFile(path, MAX_KEY_FILE, 'key');
  const password = keyPassword(ctx);
  try {
    return readPrivateKey(bytes, password ?? '', path);
  } catch (err) {
    if (isPithError(err) && err.code === 'KEY_PASSWORD' && password === undefined)
      throw new PithError(
        'input',
        'PASSWORD_MISSING',
        `${path} is encrypted: set PITH_PASSWORD to its passphrase (COSIGN_PASSWORD is also read)`,
      );
    throw err;
  }
}

/** Who signs, from the request: a key file or keyless (exactly one). */
export async function signingIdentity(ctx: Context, opts: SigningOptions): Promise<SigningIdentity> {
  if (opts.key && opts.keyless)
    throw new PithError('usage', 'BAD_SIGNING_OPTIONS', 'sign with a key or keyless, not both');
  if (opts.key) {
    const key = await loadPrivateKey(ctx, opts.key);
    checkBundleKey(key); // before anything is built or pushed
    return { kind: 'key', key };
  }
  if (!opts.keyless)
    throw new PithError('usage', 'BAD_SIGNING_OPTIONS', 'say how to sign: a key (--key FILE) or --keyless');
  const identityToken = opts.identityToken ?? ctx.env['SIGSTORE_ID_TOKEN'];
  if (!identityToken)
    throw new PithError(
      'input',
      'IDENTITY_TOKEN_MISSING',
      'keyless signing needs an OIDC identity token: --identity-token or SIGSTORE_ID_TOKEN',
    );
  return {
    kind: 'keyless',
    identityToken,
    ...(opts.fulcioUrl ? { fulcioUrl: opts.fulcioUrl } : {}),
    ...(opts.rekorUrl ? { rekorUrl: opts.rekorUrl } : {}),
  };
}

/** The identity legacy signatures are made for: `HOST/REPO[:TAG]` of a registry reference. */
export function dockerReference(ref: TransportRef): string | undefined {
  if (ref.transport !== 'docker') return undefined;
  const r = ref.ref;
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}`;
}

export interface SignSubject {
  descriptor: Descriptor;
  platform?: string;
}

export interface AttestationItem {
  subject: Descriptor;
  platform?: string;
  predicateType: string;
  predicate: unknown;
}

/**
 * Signs each subject: a bundle referrer for every transport that keeps referrers, and with a key in a
 * registry, a layer appended to the legacy `.sig` tag (unless the tag already holds this key's signature of
 * the same payload).
 */
export async function signSubjects(
  ctx: Context,
  ref: TransportRef,
  subjects: readonly SignSubject[],
  who: SigningIdentity,
  opts: { epoch: number; identity?: string; legacyTag?: boolean },
): Promise<SignedDigest[]> {
  const prepared = await prepareSignatures(ctx, subjects, who, opts.epoch);
  return writeSignatures(ctx, ref, prepared, who, opts);
}

/** Signatures made and not yet written: the bundle referrers, and what the report will say of each. */
export interface PreparedSignatures {
  referrers: Image[];
  signatures: SignedDigest[];
}

/** Signs each subject into a bundle referrer (for keyless, Fulcio and Rekor are asked now); nothing is written. */
export async function prepareSignatures(
  ctx: Context,
  subjects: readonly SignSubject[],
  who: SigningIdentity,
  epoch: number,
): Promise<PreparedSignatures> {
  const referrers: Image[] = [];
  const signatures: SignedDigest[] = [];
  for (const s of subjects) {
    const digest = s.descriptor.digest as Digest;
    ctx.emit({ type: 'phase', phase: 'sign', item: digest });
    const statement = makeStatement([digest], PredicateType.cosignSign, {});
    const referrer = await bundleReferrer(s.descriptor, PredicateType.cosignSign, statement, who, epoch);
    referrers.push(referrer);
    signatures.push({
      digest,
      ...(s.platform ? { platform: s.platform } : {}),
      bundle: referrerDescriptor(referrer),
    });
  }
  return { referrers, signatures };
}

/**
 * Writes prepared signatures: the bundle referrers, then (in a registry, with a key) a layer appended to each
 * digest's legacy `.sig` tag, unless the tag already holds this key's signature of the same payload.
 */
export async function writeSignatures(
  ctx: Context,
  ref: TransportRef,
  prepared: PreparedSignatures,
  who: SigningIdentity,
  opts: { identity?: string; legacyTag?: boolean } = {},
): Promise<SignedDigest[]> {
  await writeBundles(ctx, ref, prepared.referrers);
  const identity = opts.identity ?? dockerReference(ref);
  if (ref.transport !== 'docker' || who.kind !== 'key' || opts.legacyTag === false || !identity)
    return prepared.signatures;
  const out: SignedDigest[] = [];
  for (const s of prepared.signatures) {
    const legacyTag = await appendLegacySignature(
      ref,
      s.digest as Digest,
      identity,
      who.key,
      pushOptions(ctx),
    );
    out.push({ ...s, legacyTag });
  }
  return out;
}

/** Attestations made and not yet written. */
export interface PreparedAttestations {
  referrers: Image[];
  attestations: AttestationWritten[];
}

/** Signs an in-toto statement per item into a bundle referrer of its subject; nothing is written. */
export async function prepareAttestations(
  ref: TransportRef,
  items: readonly AttestationItem[],
  who: SigningIdentity,
  epoch: number,
): Promise<PreparedAttestations> {
  const name = dockerReference(ref)?.replace(/:[^/:]+$/, '');
  const referrers: Image[] = [];
  const attestations: AttestationWritten[] = [];
  for (const i of items) {
    const statement = makeStatement([i.subject.digest as Digest], i.predicateType, i.predicate, name);
    const referrer = await bundleReferrer(i.subject, i.predicateType, statement, who, epoch);
    referrers.push(referrer);
    attestations.push({
      digest: i.subject.digest,
      ...(i.platform ? { platform: i.platform } : {}),
      predicateType: i.predicateType,
      bundle: referrerDescriptor(referrer),
    });
  }
  return { referrers, attestations };
}

/** A statement signed into a bundle, in the referrer manifest cosign v3 writes for it. */
async function bundleReferrer(
  subject: Descriptor,
  predicateType: string,
  statement: Buffer,
  who: SigningIdentity,
  epoch: number,
): Promise<Image> {
  const bundle = await signDsse(statement, IN_TOTO_PAYLOAD_TYPE, who);
  return buildReferrer({
    subject,
    artifactType: ArtifactType.sigstoreBundle,
    content: bundle,
    epoch,
    annotations: {
      [BundleAnnotation.content]: 'dsse-envelope',
      [BundleAnnotation.predicateType]: predicateType,
    },
    layerAnnotations: { [Annotation.title]: `${subject.digest.replace(':', '-')}.sigstore.json` },
  });
}

/** A referrer's manifest descriptor, as referrers lists give it. */
function referrerDescriptor(r: Image): Descriptor {
  return r.manifest.descriptor({
    artifactType: ArtifactType.sigstoreBundle,
    ...(r.manifest.value.annotations ? { annotations: r.manifest.value.annotations } : {}),
  });
}

/** Writes bundle referrers next to what they sign; an archive has no place for them. */
async function writeBundles(ctx: Context, ref: TransportRef, referrers: readonly Image[]): Promise<void> {
  const written = await writeReferrers(ref, referrers, pushOptions(ctx));
  if ('skipped' in written)
    throw new PithError(
      'input',
      'NO_PLACE_FOR_SIGNATURES',
      `signatures are kept as referrers, and ${written.skipped}: sign the image in a registry or an oci: layout`,
    );
}

const PUSH = new WeakMap<Context, RemoteOptions>();

/** The push options of one call, with one client per registry for all its writes (one ping, one token). */
function pushOptions(ctx: Context): RemoteOptions {
  let opts = PUSH.get(ctx);
  if (!opts) {
    opts = { ...ctx.remote('push'), clients: new Map() };
    PUSH.set(ctx, opts);
  }
  return opts;
}

/** Adds a simple-signing signature to the digest's `.sig` tag, keeping the signatures already there. */
async function appendLegacySignature(
  ref: Extract<TransportRef, { transport: 'docker' }>,
  digest: Digest,
  identity: string,
  key: KeyObject,
  opts: RemoteOptions,
): Promise<string> {
  const existing = await readCosignTag(ref.ref, digest, 'sig', opts);
  const payload = simpleSigningPayload({ dockerReference: identity, digest });
  const pub = createPublicKey(key);
  const already = existing.some(
    (l) =>
      l.payload.equals(payload) &&
      verifyData(pub, l.payload, Buffer.from(l.annotations[CosignAnnotation.signature] ?? '', 'base64')),
  );
  if (already) return cosignTag(digest, 'sig');
  const layer: SignedLayer = {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    payload,
    annotations: { [CosignAnnotation.signature]: signData(key, payload).toString('base64') },
  };
  return writeCosignTag(ref.ref, digest, 'sig', [...existing, layer], opts);
}
