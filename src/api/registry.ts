// Registry verbs of the facade (crane's copy, digest, ls, tag; docker's login/logout): string references
// in, JSON-friendly reports out. `copy` works between any two transports, can pick one platform and
// reports blob bytes as they move; `digest` hashes what it receives; `login` checks before it saves.
import {
  type BlobProgress,
  clientFor,
  copyReferrers,
  loginFile,
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
  imagesOf,
  parsePlatform,
  parseReference,
  platformMatches,
  topDocument,
} from '../oci/index.ts';
import { PithError } from '../util/index.ts';
import { blobProgress } from './build.ts';

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
  platform?: string;
  all?: boolean;
  onStep?: (s: string) => void;
  /** Bytes of each blob as they move: pushed when the destination is a registry, else pulled. */
  onProgress?: (p: BlobProgress) => void;
}

/** Copies an artifact between transports; `platform` (os/arch[/variant]) selects one image of an index. */
export async function copy(source: string, destination: string, opts: CopyOptions = {}): Promise<CopyReport> {
  const src = parseTransportRef(source, { allowBarePath: true });
  const dst = parseTransportRef(destination);
  const { onProgress } = opts;
  // one count per blob: a push reads its source as it sends, so the pushed bytes say it all
  const pushing = dst.transport === 'docker';
  let artifact = await readArtifact(src, onProgress && !pushing ? { onProgress } : {});
  if (opts.platform) artifact = selectPlatform(artifact, opts.platform, source);
  const written = await writeArtifact(dst, artifact, {
    ...blobProgress(opts.onStep),
    ...(onProgress && pushing ? { onProgress } : {}),
    ...(src.transport === 'docker' &&
    dst.transport === 'docker' &&
    src.ref.registry === dst.ref.registry &&
    src.ref.repository !== dst.ref.repository
      ? { mountFrom: src.ref.repository }
      : {}),
  });
  let referrers: number | undefined;
  if (opts.all) {
    if (src.transport !== 'docker' || dst.transport !== 'docker') {
      throw new PithError(
        'usage',
        'ALL_NEEDS_REGISTRIES',
        '--all copies referrers (signatures, SBOMs) and needs a registry on both sides',
      );
    }
    const digests = [topDocument(artifact).digest, ...imagesOf(artifact).map((i) => i.manifest.digest)];
    referrers = (await copyReferrers(src.ref, dst.ref, [...new Set(digests)], blobProgress(opts.onStep)))
      .copied.length;
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
export function selectPlatform(artifact: Artifact, platform: string, where: string): Artifact {
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

/** The digest of what a reference names (the index for a multi-platform image): the hash of its bytes. */
export async function digest(reference: string): Promise<string> {
  const ref = parseTransportRef(reference, { allowBarePath: true });
  if (ref.transport === 'docker' && ref.ref.digest) return ref.ref.digest;
  if (ref.transport === 'docker') {
    const desc = await clientFor(ref.ref).manifestDescriptor(ref.ref.repository, ref.ref.tag ?? 'latest');
    if (!desc) throw new PithError('input', 'MANIFEST_UNKNOWN', `${reference}: not found`);
    return desc.digest;
  }
  return topDocument(await readArtifact(ref)).digest;
}

/** The tags of a repository (`docker://HOST/REPO` or `HOST/REPO`). */
export async function listTags(repository: string): Promise<string[]> {
  const ref = parseReference(repository.replace(/^docker:\/\//, ''));
  return clientFor(ref).listTags(ref.repository);
}

/** Adds a tag to an image in a registry, without moving any blob. */
export async function tag(reference: string, newTag: string): Promise<{ reference: string; digest: string }> {
  const ref = parseReference(reference.replace(/^docker:\/\//, ''));
  const client = clientFor(ref);
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
  registry: string,
  username: string,
  password: string,
): Promise<{ registry: string; file: string }> {
  const transport = transportFor(registry, { credentials: async () => ({ username, password }) });
  try {
    await verifyLogin(transport, username);
  } finally {
    transport.close();
  }
  const file = loginFile();
  await saveLogin(file, registry, username, password);
  return { registry, file };
}

/** Removes a registry's saved credentials. */
export async function logout(registry: string): Promise<{ registry: string; removed: boolean }> {
  return { registry, removed: await removeLogin(loginFile(), registry) };
}
