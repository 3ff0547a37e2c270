// Registry verbs of the facade (crane's copy, digest, ls, tag; docker's login/logout): string references
// in, JSON-friendly reports out. `copy` works between any two transports, can pick one platform and
// reports blob bytes as they move; `digest` hashes what it receives; `login` checks before it saves.
import {
  clientFor,
  copyReferrers,
  parseTransportRef,
  readArtifact,
  removeLogin,
  saveLogin,
  transportFor,
  verifyLogin,
  writeArtifact,
} from '../io/index.ts';
import {
  type Artifact,
  configPlatform,
  formatPlatform,
  formatReference,
  type ImageReference,
  imagesOf,
  parsePlatform,
  parseReference,
  platformMatches,
  topDocument,
} from '../oci/index.ts';
import { type Digest, PithError } from '../util/index.ts';
import type { Context } from './context.ts';

export interface CopyReport {
  source: string;
  destination: string;
  digest: string;
  mediaType: string;
  platforms: string[];
  /** How many referrers (signatures, SBOMs, attestations) were copied, with --all. */
  referrers?: number;
}

export interface CopyOptions {
  /** os/arch[/variant]: copy only this platform's image of an index. */
  platform?: string;
  /** Also copy the referrers (signatures, SBOMs, attestations); needs a registry on both sides. */
  all?: boolean;
}

/** Copies an artifact between transports; `platform` (os/arch[/variant]) selects one image of an index. */
export async function copy(
  ctx: Context,
  source: string,
  destination: string,
  opts: CopyOptions = {},
): Promise<CopyReport> {
  const src = parseTransportRef(source, { allowBarePath: true });
  const dst = parseTransportRef(destination);
  if (opts.all && (src.transport !== 'docker' || dst.transport !== 'docker')) {
    throw new PithError(
      'usage',
      'ALL_NEEDS_REGISTRIES',
      '--all copies referrers (signatures, SBOMs) and needs a registry on both sides',
    );
  }
  // one count per blob: a push reads its source as it sends, so the pushed bytes say it all
  const pushing = dst.transport === 'docker';
  const pulled = ctx.read();
  const pushed = ctx.remote('push');
  let artifact = await readArtifact(src, pushing ? { ...pulled, onProgress: undefined } : pulled);
  if (opts.platform) artifact = selectPlatform(artifact, opts.platform, source);
  const onBlob = blobEvents(ctx);
  const written = await writeArtifact(dst, artifact, {
    ...(pushing ? pushed : { ...pushed, onProgress: undefined }),
    onBlob,
    ...(src.transport === 'docker' &&
    dst.transport === 'docker' &&
    src.ref.registry === dst.ref.registry &&
    src.ref.repository !== dst.ref.repository
      ? { mountFrom: src.ref.repository }
      : {}),
  });
  let referrers: number | undefined;
  if (opts.all && src.transport === 'docker' && dst.transport === 'docker') {
    const digests = [topDocument(artifact).digest, ...imagesOf(artifact).map((i) => i.manifest.digest)];
    ctx.emit({ type: 'phase', phase: 'copy-referrers', item: destination });
    const result = await copyReferrers(src.ref, dst.ref, [...new Set(digests)], { ...pushed, onBlob });
    referrers = result.copied.length;
  }
  const platforms = imagesOf(artifact).flatMap((i) =>
    i.config ? [formatPlatform(configPlatform(i.config.value))] : [],
  );
  return {
    source,
    destination,
    digest: written.digest,
    mediaType: written.mediaType,
    platforms,
    ...(referrers !== undefined ? { referrers } : {}),
  };
}

/** The image of an artifact for a platform. */
function selectPlatform(artifact: Artifact, platform: string, where: string): Artifact {
  const wanted = parsePlatform(platform);
  const hit = imagesOf(artifact).find(
    (i) => i.config && platformMatches(wanted, configPlatform(i.config.value)),
  );
  if (!hit) {
    const have = imagesOf(artifact).flatMap((i) =>
      i.config ? [formatPlatform(configPlatform(i.config.value))] : [],
    );
    throw new PithError(
      'input',
      'NO_SUCH_PLATFORM',
      `${where} has no image for ${platform} (platforms: ${have.join(', ') || 'none'})`,
    );
  }
  return hit;
}

/** Blob events of a push or layout write. */
function blobEvents(ctx: Context) {
  return (d: { digest: string; size: number }, how: 'present' | 'mounted' | 'uploaded') =>
    ctx.emit({ type: 'blob', digest: d.digest, size: d.size, how });
}

/**
 * The digest a registry reference names now: its own digest, else the tag resolved to the hash of the
 * manifest received (as a pull computes it), never the registry's Docker-Content-Digest header.
 */
export async function resolveDigest(ctx: Context, ref: ImageReference): Promise<Digest> {
  if (ref.digest) return ref.digest;
  const tagged = ref.tag ?? 'latest';
  const desc = await clientFor(ref, ctx.remote('pull')).manifestDescriptor(ref.repository, tagged);
  if (!desc)
    throw new PithError(
      'input',
      'MANIFEST_UNKNOWN',
      `${ref.registry}/${ref.repository}:${tagged}: not found`,
    );
  return desc.digest;
}

/** The digest of what a reference names (the index for a multi-platform image): the hash of its bytes. */
export async function digest(ctx: Context, reference: string): Promise<string> {
  const ref = parseTransportRef(reference, { allowBarePath: true });
  if (ref.transport === 'docker') return resolveDigest(ctx, ref.ref);
  return topDocument(await readArtifact(ref, ctx.read())).digest;
}

/** The tags of a repository (`docker://HOST/REPO` or `HOST/REPO`). */
export async function listTags(ctx: Context, repository: string): Promise<string[]> {
  const ref = parseReference(repository.replace(/^docker:\/\//, ''));
  return clientFor(ref, ctx.remote('pull')).listTags(ref.repository);
}

/** Adds a tag to an image in a registry, without moving any blob. */
export async function tag(
  ctx: Context,
  reference: string,
  newTag: string,
): Promise<{ reference: string; digest: string }> {
  const ref = parseReference(reference.replace(/^docker:\/\//, ''));
  const client = clientFor(ref, ctx.remote('push'));
  const m = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest');
  await client.putManifest(ref.repository, newTag, m.bytes, m.mediaType);
  const { digest: _byDigest, ...named } = ref;
  return { reference: formatReference({ ...named, tag: newTag }), digest: m.digest };
}

/**
 * Checks credentials with the registry (as `docker login` does), then saves them where docker and podman
 * read them (REGISTRY_AUTH_FILE, else ~/.docker/config.json). Refused or unreachable: nothing is saved.
 */
export async function login(
  ctx: Context,
  registry: string,
  username: string,
  password: string,
): Promise<{ registry: string; file: string }> {
  const transport = transportFor(registry, {
    ...ctx.remote('pull'),
    credentials: async () => ({ username, password }),
  });
  try {
    await verifyLogin(transport, username);
  } finally {
    transport.close();
  }
  const file = ctx.settings.authFile;
  await saveLogin(file, registry, username, password);
  return { registry, file };
}

/** Removes a registry's saved credentials. */
export async function logout(
  ctx: Context,
  registry: string,
): Promise<{ registry: string; removed: boolean }> {
  return { registry, removed: await removeLogin(ctx.settings.authFile, registry) };
}
