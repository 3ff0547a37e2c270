// Reads an artifact from a registry: the manifest or index the reference names (verified against its
// digest), child manifests by digest, configs fetched and verified now; layers stay lazy and are verified
// while they stream (client.getBlob), so `pull` into any sink is one pass per layer. Bounded as the layout
// reader is: a config is refused by its descriptor size before it is fetched, indexes nest at most
// LIMITS.indexNesting deep, and a child manifest listed several times is fetched once.
import {
  type Artifact,
  type Blob,
  type Child,
  checkArtifactNodes,
  checkSize,
  type Descriptor,
  documentLimit,
  imageFromParts,
  isIndexType,
  isManifestType,
  LIMITS,
  limitError,
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
  const child = await new Puller(client, repo).fromManifest(top, 0);
  checkArtifactNodes(child, `${client.where(repo)}@${top.digest}`);
  if (child.kind === 'blob')
    throw new PithError(
      'input',
      'NOT_AN_IMAGE',
      `${client.where(repo)}:${reference} is a ${top.mediaType}, not an image or index`,
    );
  return child;
}

/** One pull: fetches each child manifest once, whatever number of index entries name it. */
class Puller {
  readonly #client: RegistryClient;
  readonly #repo: string;
  readonly #children = new Map<string, Promise<Child>>();

  constructor(client: RegistryClient, repo: string) {
    this.#client = client;
    this.#repo = repo;
  }

  async fromManifest(m: FetchedManifest, depth: number): Promise<Child> {
    const client = this.#client;
    const repo = this.#repo;
    const where = `${client.where(repo)}@${m.digest}`;
    if (isIndexType(m.mediaType)) {
      const limit = LIMITS.indexNesting;
      if (depth >= limit.max)
        throw limitError(where, `indexes nest deeper than the limit of ${limit.max} ${limit.what}`, limit);
      const index = parseIndex(m.bytes, m.mediaType, where);
      const children: Child[] = [];
      for (const d of index.value.manifests) children.push(await this.child(d, depth + 1));
      return { kind: 'index', index, children };
    }
    if (isManifestType(m.mediaType)) {
      const manifest = parseManifest(m.bytes, m.mediaType, where);
      const config = manifest.value.config;
      checkSize(config.size, documentLimit(config.mediaType), where, `config ${config.digest}`);
      const configRaw = await readAll(client.getBlob(repo, config));
      return imageFromParts(
        manifest,
        lazyBlob(client, repo, config),
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

  child(d: Descriptor, depth: number): Promise<Child> {
    const key = `${d.digest} ${d.mediaType} ${d.size}`;
    let p = this.#children.get(key);
    if (!p) {
      p = this.#fetchChild(d, depth);
      this.#children.set(key, p);
    }
    return p;
  }

  async #fetchChild(d: Descriptor, depth: number): Promise<Child> {
    const client = this.#client;
    if (!isIndexType(d.mediaType) && !isManifestType(d.mediaType))
      return { kind: 'blob', blob: lazyBlob(client, this.#repo, d) };
    checkSize(d.size, documentLimit(d.mediaType), `${client.where(this.#repo)}@${d.digest}`, 'the document');
    const m = await client.getManifest(this.#repo, d.digest, d.digest);
    if (m.bytes.length !== d.size)
      throw new PithError(
        'invalid',
        'SIZE_MISMATCH',
        `${client.where(this.#repo)}@${d.digest}: ${m.bytes.length} bytes, the index says ${d.size}`,
      );
    return this.fromManifest({ ...m, mediaType: d.mediaType }, depth);
  }
}

function lazyBlob(client: RegistryClient, repo: string, descriptor: Descriptor): Blob {
  return { descriptor, open: () => client.getBlob(repo, descriptor) };
}

async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
