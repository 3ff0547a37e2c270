// Content discovery: tags/list and _catalog in lexical order, paged by ?n= and ?last= with an RFC 5988
// `Link: <…>; rel="next"` header (at most pageSize per page), and the referrers API: an image index of the
// manifests in the repository whose subject is the digest, filtered by ?artifactType= (echoed in
// OCI-Filters-Applied). With referrers off the endpoint answers 404 so clients use the tag-schema fallback.
import { isDigest, sha256 } from '../../util/index.ts';
import { nameUnknown, RegistryError } from './errors.ts';
import { requireDigest, sendJson } from './http.ts';
import { descriptorDigest, parseManifest } from './manifests.ts';
import type { Exchange, RegistryState } from './types.ts';

const INDEX = 'application/vnd.oci.image.index.v1+json';

/** GET /v2/<name>/tags/list */
export function listTags(state: RegistryState, ex: Exchange, name: string): void {
  const repo = state.manifests.get(name);
  if (!repo) throw nameUnknown(name);
  const tags = [...repo.keys()].filter((k) => !k.includes(':'));
  const { page, link } = paginate(state, ex, tags, `/v2/${name}/tags/list`);
  sendJson(ex.res, { name, tags: page }, link ? { Link: link } : {});
}

/** GET /v2/_catalog (a Docker extension, not in the OCI spec). */
export function listCatalog(state: RegistryState, ex: Exchange): void {
  const repos = [...state.manifests].filter(([, m]) => m.size > 0).map(([name]) => name);
  const { page, link } = paginate(state, ex, repos, '/v2/_catalog');
  sendJson(ex.res, { repositories: page }, link ? { Link: link } : {});
}

/** One page of sorted items after ?last=, at most min(?n, pageSize) long, with the next page's Link. */
function paginate(
  state: RegistryState,
  ex: Exchange,
  items: string[],
  path: string,
): { page: string[]; link: string | undefined } {
  const q = ex.url.searchParams;
  const nParam = q.get('n');
  if (nParam !== null && !/^\d{1,9}$/.test(nParam)) {
    throw new RegistryError(400, 'PAGINATION_NUMBER_INVALID', `invalid n "${nParam}"`);
  }
  const last = q.get('last');
  const sorted = items.sort().filter((t) => last === null || t > last);
  const limit = nParam === null ? state.pageSize : Math.min(Number(nParam), state.pageSize);
  const page = sorted.slice(0, limit);
  if (limit === 0 || sorted.length <= limit) return { page, link: undefined };
  const next = new URLSearchParams({ n: String(limit), last: page[page.length - 1]! });
  return { page, link: `<${path}?${next}>; rel="next"` };
}

/** GET /v2/<name>/referrers/<digest> */
export function listReferrers(state: RegistryState, ex: Exchange, name: string, rawDigest: string): void {
  if (!state.referrers) {
    throw new RegistryError(404, 'UNSUPPORTED', 'the referrers API is not enabled on this registry');
  }
  const subject = requireDigest(rawDigest);
  const filters = ex.url.searchParams.getAll('artifactType');
  const seen = new Set<string>();
  const manifests: Record<string, unknown>[] = [];
  for (const [key, m] of state.manifests.get(name) ?? []) {
    const digest = isDigest(key) ? key : sha256(m.bytes);
    if (seen.has(digest)) continue;
    seen.add(digest);
    const doc = parseOrUndefined(m.bytes);
    if (!doc || descriptorDigest(doc['subject']) !== subject) continue;
    const artifactType = referrerType(doc);
    if (filters.length > 0 && (artifactType === undefined || !filters.includes(artifactType))) continue;
    const entry: Record<string, unknown> = { mediaType: m.mediaType, digest, size: m.bytes.length };
    if (artifactType !== undefined) entry['artifactType'] = artifactType;
    if (isRecord(doc['annotations'])) entry['annotations'] = doc['annotations'];
    manifests.push(entry);
  }
  manifests.sort((a, b) => (String(a['digest']) < String(b['digest']) ? -1 : 1));
  const headers: Record<string, string> = filters.length > 0 ? { 'OCI-Filters-Applied': 'artifactType' } : {};
  sendJson(ex.res, { schemaVersion: 2, mediaType: INDEX, manifests }, headers, INDEX);
}

/** A referrer's artifactType: its own, else (for an image manifest) its config's media type. */
function referrerType(doc: Record<string, unknown>): string | undefined {
  if (typeof doc['artifactType'] === 'string') return doc['artifactType'];
  if (isRecord(doc['config']) && typeof doc['config']['mediaType'] === 'string')
    return doc['config']['mediaType'];
  return undefined;
}

function parseOrUndefined(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    return parseManifest(bytes);
  } catch {
    return undefined; // stored directly by a test, not through PUT: not JSON, so no subject
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
