// Reads an artifact from a registry: the manifest or index the reference names (verified against its
// digest), child manifests by digest, configs fetched and verified now; layers stay lazy and are verified
// while they stream (client.getBlob), so `pull` into any sink is one pass per layer. Bounded as the layout
// reader is (the walk is oci's ArtifactLoader): a config is refused by its descriptor size before it is
// fetched, indexes nest at most LIMITS.indexNesting deep, and a child listed several times is fetched once.
import {
  type Artifact,
  ArtifactLoader,
  type ArtifactStore,
  type Blob,
  checkArtifactNodes,
  checkSize,
  type Descriptor,
  documentLimit,
  isIndexType,
  isManifestType,
  verifyingBlob,
} from '../../oci/index.ts';
import { PithError, readAll } from '../../util/index.ts';
import type { RegistryClient } from './client.ts';

/** The artifact a reference (tag or digest) names in a repository. */
export async function pullArtifact(
  client: RegistryClient,
  repo: string,
  reference: string,
): Promise<Artifact> {
  const top = await client.getManifest(repo, reference);
  const desc = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length };
  const child = await new ArtifactLoader(registryStore(client, repo)).fromDocument(desc, top.bytes);
  checkArtifactNodes(child, `${client.where(repo)}@${top.digest}`);
  if (child.kind === 'blob')
    throw new PithError(
      'input',
      'NOT_AN_IMAGE',
      `${client.where(repo)}:${reference} is a ${top.mediaType}, not an image or index`,
    );
  return child;
}

/**
 * A repository as an artifact store: a document is refused by its descriptor's size before it is fetched;
 * manifests and indexes are fetched by digest (verified, and their size checked against the descriptor),
 * configs streamed through the blob endpoint's digest check; layers stay lazy.
 */
function registryStore(client: RegistryClient, repo: string): ArtifactStore {
  const where = (d: Descriptor) => `${client.where(repo)}@${d.digest}`;
  return {
    where,
    blob: (d) => lazyBlob(client, repo, d),
    async document(d) {
      const isDocument = isIndexType(d.mediaType) || isManifestType(d.mediaType);
      checkSize(
        d.size,
        documentLimit(d.mediaType),
        where(d),
        isDocument ? 'the document' : `config ${d.digest}`,
      );
      if (!isDocument) return readAll(client.getBlob(repo, d));
      const m = await client.getManifest(repo, d.digest, d.digest);
      if (m.bytes.length !== d.size)
        throw new PithError(
          'invalid',
          'SIZE_MISMATCH',
          `${where(d)}: ${m.bytes.length} bytes, the index says ${d.size}`,
        );
      return m.bytes;
    },
  };
}

function lazyBlob(client: RegistryClient, repo: string, descriptor: Descriptor): Blob {
  return verifyingBlob(descriptor, () => client.getBlob(repo, descriptor));
}
