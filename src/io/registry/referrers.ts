// Referrers (distribution-spec v1.1, briefs/oci.md §12.3, §12.4): the manifests whose `subject` is a
// digest. Listing uses the referrers API when the registry has one (an OCI index answered with the index
// content type) and otherwise the referrers tag schema `<alg>-<ref>` in the same repository. Pushing a
// manifest with a subject to a registry without the API keeps that tag's index up to date, conditionally
// (If-Match on the ETag it read) so that two writers do not lose each other's entries.
import {
  type Descriptor,
  type IndexDocument,
  type IndexJson,
  JsonDocument,
  MediaType,
  parseIndex,
} from '../../oci/index.ts';
import { type Digest, isDigest, PithError, splitDigest } from '../../util/index.ts';
import { nextLink, pull, push, type RegistryClient } from './client.ts';
import { MANIFEST_ACCEPT } from './manifest-accept.ts';
import type { ReadResponse } from './transport/index.ts';

/** Manifests and referrers pages are capped at 4 MiB, like every manifest the client reads. */
const MAX_INDEX = 4 << 20;
/** Pages of one referrers listing followed at most. */
const MAX_PAGES = 1000;
/** Read-modify-write rounds of the fallback tag when another writer keeps winning the If-Match race. */
const MAX_TAG_ROUNDS = 4;

export interface ListReferrersOptions {
  /** Only referrers of this artifactType (asked of the registry, and always re-checked here). */
  artifactType?: string;
}

/**
 * The descriptors of the manifests whose subject is `digest`: from the referrers API when the registry has
 * it, else from the referrers tag (none when that tag is missing or is not an OCI index).
 */
export async function listReferrers(
  client: RegistryClient,
  repo: string,
  digest: Digest,
  opts: ListReferrersOptions = {},
): Promise<Descriptor[]> {
  return (await listReferrersVia(client, repo, digest, opts)).referrers;
}

/** Where a referrers list came from: the registry's referrers API, or the fallback tag. */
export type ReferrersVia = 'referrers-api' | 'referrers-tag';

/** listReferrers, saying whether the API or the fallback tag answered. */
export async function listReferrersVia(
  client: RegistryClient,
  repo: string,
  digest: Digest,
  opts: ListReferrersOptions = {},
): Promise<{ referrers: Descriptor[]; via: ReferrersVia }> {
  requireDigest(client, repo, digest);
  const fromApi = await referrersFromApi(client, repo, digest, opts.artifactType);
  const all = fromApi ?? (await referrersFromTag(client, repo, digest));
  // OCI-Filters-Applied only says the registry tried; the spec says to re-filter client-side regardless,
  // and the fallback tag is never filtered by the registry at all.
  const { artifactType } = opts;
  return {
    referrers: artifactType === undefined ? all : all.filter((d) => d.artifactType === artifactType),
    via: fromApi ? 'referrers-api' : 'referrers-tag',
  };
}

/** The referrers tag of a digest: `<alg>-<ref>`, the algorithm cut to 32 and the encoded part to 64. */
export function referrersTag(digest: Digest): string {
  const { algorithm, encoded } = splitDigest(digest);
  return `${algorithm.slice(0, 32)}-${encoded.slice(0, 64)}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/** The subject digest of a manifest or index document, if it names one. */
export function subjectOf(doc: JsonDocument<unknown>): Digest | undefined {
  const v = doc.value;
  if (v === null || typeof v !== 'object') return undefined;
  const subject = (v as Record<string, unknown>)['subject'];
  if (subject === null || typeof subject !== 'object') return undefined;
  const d = (subject as Record<string, unknown>)['digest'];
  return isDigest(d) ? d : undefined;
}

/** What `updateFallbackTag` did. */
export type FallbackTagUpdate = 'no-subject' | 'api' | 'present' | 'added';

/**
 * After a manifest with a subject is pushed: when the registry has no referrers API, add the manifest's
 * descriptor to the referrers tag's index (briefs/oci.md §12.3). The tag's index is read (an empty OCI
 * index when it is missing), left alone when it already lists the manifest, and otherwise put back with
 * `If-Match` on the ETag it was read with; a lost race (412) starts over from the read.
 */
export async function updateFallbackTag(
  client: RegistryClient,
  repo: string,
  pushedManifest: JsonDocument<unknown>,
): Promise<FallbackTagUpdate> {
  const subject = subjectOf(pushedManifest);
  if (!subject) return 'no-subject';
  // The OCI-Subject header of the PUT is not trusted on its own (ECR sends it without having the API):
  // asking the API directly is the only answer that counts.
  if ((await referrersFromApi(client, repo, subject, undefined, 1)) !== undefined) return 'api';
  const tag = referrersTag(subject);
  const entry = referrerDescriptor(pushedManifest);
  for (let round = 1; ; round++) {
    const current = await readFallbackTag(client, repo, subject);
    if (current === 'not-an-index') {
      throw new PithError(
        'invalid',
        'REFERRERS_TAG_NOT_INDEX',
        `${client.where(repo)}:${tag} is not an OCI image index; not adding ${entry.digest} to it`,
        { details: { tag, subject, digest: entry.digest } },
      );
    }
    const base: IndexJson = current?.index.value ?? {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [],
    };
    if (base.manifests.some((d) => d.digest === entry.digest)) return 'present';
    const next = JsonDocument.of<IndexJson>(
      { ...base, mediaType: MediaType.ociIndex, manifests: [...base.manifests, entry] },
      MediaType.ociIndex,
    );
    const res = await client.transport.request({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${tag}`,
      headers: {
        'content-type': MediaType.ociIndex,
        ...(current?.etag ? { 'if-match': current.etag } : {}),
      },
      body: next.raw,
      scope: push(repo),
      expect: [200, 201, 412],
    });
    await res.drain();
    if (res.status !== 412) return 'added';
    if (round >= MAX_TAG_ROUNDS) {
      throw new PithError(
        'io',
        'REFERRERS_TAG_CONFLICT',
        `${client.where(repo)}:${tag} kept changing while adding ${entry.digest} (${round} attempts)`,
        { details: { tag, subject, digest: entry.digest } },
      );
    }
  }
}

/** The descriptor a referrers index lists for a manifest (§12.3 step 4; §12.4 for indexes). */
function referrerDescriptor(doc: JsonDocument<unknown>): Descriptor {
  const v = (doc.value ?? {}) as Record<string, unknown>;
  const config = v['config'] as Record<string, unknown> | undefined;
  const artifactType =
    typeof v['artifactType'] === 'string'
      ? v['artifactType']
      : config && typeof config['mediaType'] === 'string'
        ? config['mediaType']
        : undefined;
  const annotations = v['annotations'];
  return {
    mediaType: doc.mediaType,
    digest: doc.digest,
    size: doc.size,
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations)
      ? { annotations: annotations as Record<string, string> }
      : {}),
  };
}

/**
 * Every referrer the API lists (following Link pages, at most `maxPages`), or undefined when the registry
 * has no API: 404, 400, 406, or a 200 that is not an OCI index (ggcr's rule, briefs/oci.md §12.4).
 */
async function referrersFromApi(
  client: RegistryClient,
  repo: string,
  digest: Digest,
  artifactType: string | undefined,
  maxPages = MAX_PAGES,
): Promise<Descriptor[] | undefined> {
  const query = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
  let path: string | undefined = `/v2/${repo}/referrers/${digest}${query}`;
  const seen = new Set<string>();
  const out: Descriptor[] = [];
  for (let page = 0; path && !seen.has(path) && page < maxPages; page++) {
    seen.add(path);
    const res: ReadResponse = await client.transport.read(
      {
        method: 'GET',
        path,
        headers: { accept: MediaType.ociIndex },
        scope: pull(repo),
        expect: [200, 400, 404, 406],
      },
      MAX_INDEX,
    );
    const type = contentType(res);
    if (res.status !== 200 || type !== MediaType.ociIndex) {
      if (page === 0) return undefined;
      throw new PithError(
        'io',
        'REFERRERS_PAGE',
        `${client.where(repo)}: referrers of ${digest}, page ${page + 1}, answered ${res.status} ${type}`,
      );
    }
    const index = parseIndex(res.bytes, MediaType.ociIndex, `${client.where(repo)}: referrers of ${digest}`);
    out.push(...index.value.manifests);
    path = nextLink(res.headers.get('link'));
  }
  return out;
}

/** The referrers tag's entries; none when the tag is missing or is not an OCI index (§12.4). */
async function referrersFromTag(client: RegistryClient, repo: string, digest: Digest): Promise<Descriptor[]> {
  const tag = await readFallbackTag(client, repo, digest);
  return tag === undefined || tag === 'not-an-index' ? [] : tag.index.value.manifests;
}

interface FallbackIndex {
  index: IndexDocument;
  /** The ETag the registry served the tag with, quotes included, for If-Match. */
  etag: string | undefined;
}

/** The referrers tag's index; undefined when the tag is missing, 'not-an-index' when it is something else. */
async function readFallbackTag(
  client: RegistryClient,
  repo: string,
  digest: Digest,
): Promise<FallbackIndex | 'not-an-index' | undefined> {
  const tag = referrersTag(digest);
  const res = await client.transport.read(
    {
      method: 'GET',
      path: `/v2/${repo}/manifests/${tag}`,
      headers: { accept: MANIFEST_ACCEPT },
      scope: pull(repo),
      expect: [200, 404],
    },
    MAX_INDEX,
  );
  if (res.status === 404) return undefined;
  const { bytes } = res;
  const where = `${client.where(repo)}:${tag}`;
  let index: IndexDocument;
  try {
    index = parseIndex(bytes, contentType(res), where);
  } catch (err) {
    if (err instanceof PithError && err.kind === 'invalid') return 'not-an-index';
    throw err;
  }
  if (index.mediaType !== MediaType.ociIndex) return 'not-an-index';
  return { index, etag: res.headers.get('etag') ?? undefined };
}

function requireDigest(client: RegistryClient, repo: string, digest: string): void {
  if (!isDigest(digest)) {
    throw new PithError(
      'input',
      'BAD_DIGEST',
      `${client.where(repo)}: "${digest}" is not a digest; referrers are listed by digest`,
    );
  }
}

function contentType(res: ReadResponse): string {
  return (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
}

/** Bounds and progress of copying referrers (remote.ts copyReferrers). */
export interface CopyReferrersOptions {
  /** Levels of referrers followed: 1 = referrers of the given digests only (default 4). */
  maxDepth?: number;
  /** Referrer artifacts copied at most (default 1000). */
  maxArtifacts?: number;
  /** Called after each referrer is copied, with its depth (1 = it refers to one of the given digests). */
  onReferrer?: (desc: Descriptor, depth: number) => void;
}

export interface CopyReferrersResult {
  /** The referrers copied, in the order they were copied (parents before their own referrers). */
  copied: Descriptor[];
  /** Referrers that are not manifests or indexes (nothing pith can pull), left behind. */
  skipped: Descriptor[];
  /** True when a bound (depth or count) left referrers behind. */
  truncated: boolean;
}
