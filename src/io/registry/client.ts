// One method per distribution-spec endpoint (v1.1 §end-1 … §end-13), over RegistryTransport. No image
// knowledge beyond descriptors: pull/push compose these. Every blob and manifest read is checked against the
// digest it was asked for before it is returned (size first, then digest).
import { type Descriptor, verifiedContent } from '../../oci/index.ts';
import { type Digest, PithError, sha256 } from '../../util/index.ts';
import { MANIFEST_ACCEPT } from './manifest-accept.ts';
import type { RegistryResponse, RegistryTransport } from './transport/index.ts';

/** Manifests are capped at 4 MiB (distribution-spec: at least 4 MiB must be accepted). */
const MAX_MANIFEST = 4 << 20;

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
}

export class RegistryClient {
  readonly transport: RegistryTransport;
  /** host[:port], for messages. */
  readonly registry: string;

  constructor(transport: RegistryTransport, registry: string) {
    this.transport = transport;
    this.registry = registry;
  }

  where(repo: string): string {
    return `${this.registry}/${repo}`;
  }

  /** end-3: a manifest by tag or digest, verified against the digest when one is known. */
  async getManifest(repo: string, reference: string, expected?: Digest): Promise<FetchedManifest> {
    const res = await this.transport.request({
      method: 'GET',
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scope: pull(repo),
      expect: [200],
    });
    const bytes = await res.bytes(MAX_MANIFEST);
    const digest = sha256(bytes);
    const want = expected ?? (reference.includes(':') ? (reference as Digest) : undefined);
    if (want && want !== digest) {
      throw new PithError(
        'invalid',
        'DIGEST_MISMATCH',
        `${this.where(repo)}: manifest ${reference} hashes to ${digest}, not ${want}`,
      );
    }
    // the manifest's own mediaType wins over the Content-Type header (image-spec media-types.md)
    const header = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { bytes, mediaType: mediaTypeOf(bytes) ?? header, digest };
  }

  /** end-3 (HEAD): the descriptor of a manifest, or undefined when absent. */
  async headManifest(repo: string, reference: string): Promise<Descriptor | undefined> {
    const res = await this.transport.request({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      scope: pull(repo),
      expect: [200, 404],
    });
    if (res.status === 404) return undefined;
    const digest = res.headers.get('docker-content-digest');
    const size = Number(res.headers.get('content-length') ?? '-1');
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!digest || size < 0) return await this.getManifestDescriptor(repo, reference);
    return { mediaType, digest: digest as Digest, size };
  }

  async getManifestDescriptor(repo: string, reference: string): Promise<Descriptor> {
    const m = await this.getManifest(repo, reference);
    return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
  }

  /** end-7: puts a manifest under a tag or its digest; returns the digest the registry reports. */
  async putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    const res = await this.transport.request({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      scope: push(repo),
      expect: [201, 200],
    });
    await res.bytes(64 << 10);
    const digest = sha256(bytes);
    const reported = res.headers.get('docker-content-digest');
    if (reported && reported !== digest) {
      throw new PithError(
        'invalid',
        'DIGEST_MISMATCH',
        `${this.where(repo)}: registry stored manifest ${reference} as ${reported}, not ${digest}`,
      );
    }
    return digest;
  }

  /** end-9: deletes a manifest. */
  async deleteManifest(repo: string, reference: string): Promise<void> {
    await this.transport.request({
      method: 'DELETE',
      path: `/v2/${repo}/manifests/${reference}`,
      scope: push(repo),
      expect: [202, 200],
    });
  }

  /** end-2 (HEAD): whether a blob exists. */
  async hasBlob(repo: string, digest: Digest): Promise<boolean> {
    const res = await this.transport.request({
      method: 'HEAD',
      path: `/v2/${repo}/blobs/${digest}`,
      scope: pull(repo),
      expect: [200, 404],
    });
    return res.status === 200;
  }

  /** end-2: a blob's bytes, streamed and verified: the stream fails at the end if size or digest differ. */
  async *getBlob(repo: string, desc: Descriptor): AsyncIterable<Buffer> {
    const res = await this.transport.request({
      method: 'GET',
      path: `/v2/${repo}/blobs/${desc.digest}`,
      scope: pull(repo),
      expect: [200],
    });
    const where = this.where(repo);
    yield* verifiedContent({ descriptor: desc, open: () => chunksOf(res, desc, where) }, where);
  }

  /** end-8a: tags, following Link pagination. */
  async listTags(repo: string, pageSize = 1000): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repo}/tags/list?n=${pageSize}`;
    for (let page = 0; path && page < 10_000; page++) {
      const res: RegistryResponse = await this.transport.request({
        method: 'GET',
        path,
        scope: pull(repo),
        expect: [200],
      });
      const body = JSON.parse((await res.bytes(16 << 20)).toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      path = nextLink(res.headers.get('link'));
    }
    return tags;
  }

  /** end-12a: the referrers index of a digest, or undefined when the registry has no referrers API. */
  async referrers(repo: string, digest: Digest): Promise<Buffer | undefined> {
    const res = await this.transport.request({
      method: 'GET',
      path: `/v2/${repo}/referrers/${digest}`,
      scope: pull(repo),
      expect: [200, 404],
    });
    if (res.status === 404) return undefined;
    const type = res.headers.get('content-type') ?? '';
    const bytes = await res.bytes(MAX_MANIFEST);
    // a registry without the API may answer 200 with something that is not an index (spec: treat as absent)
    return type.startsWith('application/vnd.oci.image.index.v1+json') ? bytes : undefined;
  }
}

/** A response body as Buffers. */
async function* chunksOf(res: RegistryResponse, desc: Descriptor, where: string): AsyncIterable<Buffer> {
  if (!res.body) throw new PithError('io', 'EMPTY_BODY', `${where}: blob ${desc.digest} came without a body`);
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>)
    yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

/** RFC 5988 `Link: </v2/…?last=x&n=y>; rel="next"` → the path to fetch next. */
export function nextLink(header: string | null): string | undefined {
  const m = header ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(header) : null;
  if (!m) return undefined;
  const url = new URL(m[1]!, 'http://registry.invalid');
  return `${url.pathname}${url.search}`;
}

function mediaTypeOf(bytes: Buffer): string | undefined {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    return typeof v.mediaType === 'string' ? v.mediaType : undefined;
  } catch {
    return undefined;
  }
}

export const pull = (repo: string) => `repository:${repo}:pull`;
export const push = (repo: string) => `repository:${repo}:pull,push`;
