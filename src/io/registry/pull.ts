// Reads an artifact from a registry: the manifest or index the reference names (verified against its
// digest), child manifests by digest, configs fetched and verified now; layers stay lazy and are verified
// while they stream (client.getBlob), so `pull` into any sink is one pass per layer.
import {
  type Artifact,
  type Blob,
  type Child,
  type Descriptor,
  imageFromParts,
  isIndexType,
  isManifestType,
  parseIndex,
  parseManifest,
} from '../../oci/index.ts';
import { PithError } from '../../util/index.ts';
import type { FetchedManifest, RegistryClient } from './client.ts';

/** The artifact a reference (tag or digest) names in a repository. */
export async function pullArtifact(
  client: RegistryClient,
  repo: string,
  reference: string,
): Promise<Artifact> {
  const top = await client.getManifest(repo, reference);
  const child = await fromManifest(client, repo, top);
  if (child.kind === 'blob')
    throw new PithError(
      'input',
      'NOT_AN_IMAGE',
      `${client.where(repo)}:${reference} is a ${top.mediaType}, not an image or index`,
    );
  return child;
}

async function fromManifest(client: RegistryClient, repo: string, m: FetchedManifest): Promise<Child> {
  const where = `${client.where(repo)}@${m.digest}`;
  if (isIndexType(m.mediaType)) {
    const index = parseIndex(m.bytes, m.mediaType, where);
    const children: Child[] = [];
    for (const d of index.value.manifests) children.push(await child(client, repo, d));
    return { kind: 'index', index, children };
  }
  if (isManifestType(m.mediaType)) {
    const manifest = parseManifest(m.bytes, m.mediaType, where);
    const configRaw = await readAll(client.getBlob(repo, manifest.value.config));
    return imageFromParts(
      manifest,
      lazyBlob(client, repo, manifest.value.config),
      configRaw,
      manifest.value.layers.map((l) => lazyBlob(client, repo, l)),
    );
  }
  return {
    kind: 'blob',
    blob: {
      descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length },
      async *open() {
        yield m.bytes;
      },
    },
  };
}

async function child(client: RegistryClient, repo: string, d: Descriptor): Promise<Child> {
  if (isIndexType(d.mediaType) || isManifestType(d.mediaType)) {
    const m = await client.getManifest(repo, d.digest, d.digest);
    if (m.bytes.length !== d.size)
      throw new PithError(
        'invalid',
        'SIZE_MISMATCH',
        `${client.where(repo)}@${d.digest}: ${m.bytes.length} bytes, the index says ${d.size}`,
      );
    return fromManifest(client, repo, { ...m, mediaType: d.mediaType });
  }
  return { kind: 'blob', blob: lazyBlob(client, repo, d) };
}

function lazyBlob(client: RegistryClient, repo: string, descriptor: Descriptor): Blob {
  return { descriptor, open: () => client.getBlob(repo, descriptor) };
}

async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
