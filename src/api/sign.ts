// `sign` and `keygen`. sign: the image a reference names (its index and every platform manifest) signed
// where it is, with a key or keyless (signing.ts). keygen: a cosign-compatible key pair, the private key in
// cosign's encrypted format with the passphrase from PITH_PASSWORD (or COSIGN_PASSWORD), as `cosign
// generate-key-pair` writes it; existing files are not replaced unless asked.
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseTransportRef, readArtifact } from '../io/index.ts';
import { type Artifact, formatPlatform, isAttestationManifest, topDocument } from '../oci/index.ts';
import { generateKeyPair } from '../sign/index.ts';
import { PithError } from '../util/index.ts';
import type { Context } from './context.ts';
import {
  keyPassword,
  type SignedDigest,
  type SigningOptions,
  type SignSubject,
  signingIdentity,
  signSubjects,
} from './signing.ts';

export interface SignRequest extends SigningOptions {
  /** The image: `docker://HOST/REPO:TAG` or `oci:DIR[:TAG]`. */
  reference: string;
  /** Sign every platform manifest of an index too (default true). */
  recursive?: boolean;
  /** The docker reference legacy signatures are made for (default: the reference's HOST/REPO[:TAG]). */
  identity?: string;
  /** In a registry, with a key, also write the legacy `sha256-<hex>.sig` tag (default true). */
  legacyTag?: boolean;
}

export interface SignReport {
  reference: string;
  digest: string;
  signatures: SignedDigest[];
}

export interface KeygenRequest {
  /** Writes PREFIX.key and PREFIX.pub (default `cosign`, as cosign names them). */
  prefix?: string;
  /** Replace existing files. */
  force?: boolean;
}

export interface KeygenReport {
  privateKey: string;
  publicKey: string;
}

export async function sign(ctx: Context, req: SignRequest): Promise<SignReport> {
  const ref = parseTransportRef(req.reference);
  const who = await signingIdentity(ctx, req);
  const artifact = await readArtifact(ref, ctx.read());
  const subjects = signSubjectsOf(artifact, req.recursive !== false);
  const signatures = await signSubjects(ctx, ref, subjects, who, {
    epoch: ctx.epoch(),
    ...(req.identity ? { identity: req.identity } : {}),
    ...(req.legacyTag !== undefined ? { legacyTag: req.legacyTag } : {}),
  });
  return { reference: req.reference, digest: topDocument(artifact).digest, signatures };
}

/** The documents to sign: the top one, then (recursive) each platform manifest of an index. */
export function signSubjectsOf(artifact: Artifact, recursive: boolean): SignSubject[] {
  const top: SignSubject = { descriptor: topDocument(artifact).descriptor() };
  if (artifact.kind !== 'index' || !recursive) return [top];
  const children: SignSubject[] = [];
  for (const [i, child] of artifact.children.entries()) {
    const entry = artifact.index.value.manifests[i];
    // BuildKit's attestation manifests (platform unknown/unknown) are not images to sign or verify
    if (child.kind !== 'image' || (entry && isAttestationManifest(entry))) continue;
    children.push({
      descriptor: child.manifest.descriptor(),
      ...(entry?.platform ? { platform: formatPlatform(entry.platform) } : {}),
    });
  }
  return [top, ...children];
}

export async function keygen(ctx: Context, req: KeygenRequest): Promise<KeygenReport> {
  const prefix = resolve(req.prefix ?? 'cosign');
  const password = keyPassword(ctx);
  if (password === undefined)
    throw new PithError(
      'input',
      'PASSWORD_MISSING',
      'set PITH_PASSWORD to the passphrase of the new key (it may be empty; COSIGN_PASSWORD is also read)',
    );
  const pair = generateKeyPair(password);
  const privateKey = `${prefix}.key`;
  const publicKey = `${prefix}.pub`;
  await writeNew(privateKey, pair.privateKey, 0o600, req.force === true);
  await writeNew(publicKey, pair.publicKey, 0o644, req.force === true);
  return { privateKey, publicKey };
}

/** Writes a file through a temporary sibling; refuses to replace one unless `force`. */
async function writeNew(path: string, text: string, mode: number, force: boolean): Promise<void> {
  if (!force) {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists)
      throw new PithError('input', 'KEY_EXISTS', `${path} exists; pass --force to replace it`, {
        details: { path },
      });
  }
  const tmp = resolve(dirname(path), `.${process.pid}.${Date.now()}.pith-key`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(text);
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}
