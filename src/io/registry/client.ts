// One method per distribution-spec endpoint (v1.1 §end-1 … §end-13), over RegistryTransport. No image
// knowledge beyond descriptors: pull/push compose these. Every blob and manifest read is checked against the
// digest it was asked for before it is returned (size first, then digest), and a manifest's digest is always
// that of the bytes received, never a header's word. Blob bodies resume where a dropped connection left them.
import { checkCount, type Descriptor, LIMITS, parseJson, verifiedContent } from '../../oci/index.ts';
import { coalesce, type Digest, PithError, sha256 } from '../../util/index.ts';
import { MANIFEST_ACCEPT } from './manifest-accept.ts';
import { type OnProgress, withProgress } from './progress.ts';
import { type ReadResponse, RegistryError, type RegistryTransport } from './transport/index.ts';

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
  readonly #onProgress: OnProgress | undefined;

  /** `onProgress` hears the bytes of every blob read (getBlob). */
  constructor(transport: RegistryTransport, registry: string, onProgress?: OnProgress) {
    this.transport = transport;
    this.registry = registry;
    this.#onProgress = onProgress;
  }

  where(repo: string): string {
    return `${this.registry}/${repo}`;
  }

  /** end-3: a manifest by tag or digest, verified against the digest when one is known. */
  async getManifest(repo: string, reference: string, expected?: Digest): Promise<FetchedManifest> {
    const res = await this.transport.read(
      {
        method: 'GET',
        path: `/v2/${repo}/manifests/${reference}`,
        headers: { accept: MANIFEST_ACCEPT },
        scope: pull(repo),
        expect: [200],
      },
      MAX_MANIFEST,
    );
    const { bytes } = res;
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

  /**
   * end-3: the descriptor of a manifest by tag or digest, or undefined when absent. Its digest is that of
   * the bytes received (what a pull gets), never the registry's Docker-Content-Digest header.
   */
  async manifestDescriptor(repo: string, reference: string): Promise<Descriptor | undefined> {
    const m = await this.getManifest(repo, reference).catch((err: unknown) => {
      if (err instanceof RegistryError && err.status === 404) return undefined;
      throw err;
    });
    return m && { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
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
    await res.drain();
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
    const res = await this.transport.request({
      method: 'DELETE',
      path: `/v2/${repo}/manifests/${reference}`,
      scope: push(repo),
      expect: [202, 200],
    });
    await res.drain();
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

  /**
   * end-2: a blob's bytes, streamed and verified: the stream fails at the end if size or digest differ. A
   * connection lost mid-way is resumed (transport.stream); every byte still goes through the digest.
   */
  getBlob(repo: string, desc: Descriptor): AsyncIterable<Buffer> {
    const where = this.where(repo);
    const open = () =>
      coalesce(
        this.transport.stream(
          { method: 'GET', path: `/v2/${repo}/blobs/${desc.digest}`, scope: pull(repo), expect: [200] },
          desc.size,
        ),
      );
    return withProgress(verifiedContent({ descriptor: desc, open }, where), desc, this.#onProgress);
  }

  /** end-8a: tags, following Link pagination. */
  async listTags(repo: string, pageSize = 1000): Promise<string[]> {
    const tags: string[] = [];
    const seen = new Set<string>();
    let path: string | undefined = `/v2/${repo}/tags/list?n=${pageSize}`;
    // pages are bounded in size and number, and a Link back to a page already read ends the list
    for (let page = 0; path && !seen.has(path) && page < 10_000; page++) {
      seen.add(path);
      const res: ReadResponse = await this.transport.read(
        { method: 'GET', path, scope: pull(repo), expect: [200] },
        LIMITS.tagListBytes.max,
      );
      for (const tag of tagsOf(
        parseJson(res.bytes, `${this.where(repo)}: tag list`, LIMITS.tagListBytes),
        this.where(repo),
      ))
        tags.push(tag);
      checkCount(tags.length, LIMITS.tags, this.where(repo), 'the tag list');
      path = nextLink(res.headers.get('link'));
    }
    return tags;
  }

  /** end-12a: the referrers index of a digest, or undefined when the registry has no referrers API. */
  async referrers(repo: string, digest: Digest): Promise<Buffer | undefined> {
    const res = await this.transport.read(
      { method: 'GET', path: `/v2/${repo}/referrers/${digest}`, scope: pull(repo), expect: [200, 404] },
      MAX_MANIFEST,
    );
    if (res.status === 404) return undefined;
    const type = res.headers.get('content-type') ?? '';
    const { bytes } = res;
    // a registry without the API may answer 200 with something that is not an index (spec: treat as absent)
    return type.startsWith('application/vnd.oci.image.index.v1+json') ? bytes : undefined;
  }
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

/** The `tags` of a tag list page (end-8a): an array of strings, or null/absent for none. */
function tagsOf(body: unknown, where: string): string[] {
  const tags = (body as { tags?: unknown } | null)?.tags;
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
    throw new PithError(
      'invalid',
      'BAD_TAG_LIST',
      `${where}: the tag list's "tags" is not a list of strings`,
    );
  return tags;
}
