// Manifests by tag or digest: PUT stores the raw bytes under the digest (and the tag) after checking the
// JSON, Content-Type against `mediaType`, the digest when pushed by digest, that referenced blobs and child
// manifests exist (MANIFEST_BLOB_UNKNOWN), and If-Match; GET/HEAD serve them byte-exact with
// Content-Type, Docker-Content-Digest and ETag (Accept is ignored; a wrong-digest-header fault names another
// digest there); DELETE by tag or by digest (and its tags).
import { type Digest, digestLike, isDigest, sha256 } from '../../util/index.ts';
import { digestInvalid, manifestUnknown, nameUnknown, RegistryError } from './errors.ts';
import { flipOneByte, MAX_MANIFEST_BODY, readBody, requireDigest, send } from './http.ts';
import type { Exchange, RegistryState, StoredManifest } from './types.ts';

const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** A reference from the path: a digest, or a tag. */
function parseReference(ref: string): { digest: Digest } | { tag: string } {
  if (ref.includes(':')) return { digest: requireDigest(ref) };
  if (!TAG_RE.test(ref))
    throw new RegistryError(400, 'TAG_INVALID', `invalid tag "${ref}"`, { detail: { ref } });
  return { tag: ref };
}

/** The digest a stored manifest is served under: the reference when it is one, else sha256. */
const digestFor = (ref: string, m: StoredManifest): Digest =>
  isDigest(ref) ? digestLike(m.bytes, ref) : sha256(m.bytes);

/** HEAD or GET /v2/<name>/manifests/<ref> */
export function getManifest(state: RegistryState, ex: Exchange, name: string, ref: string): void {
  parseReference(ref);
  const repo = state.manifests.get(name);
  if (!repo) throw nameUnknown(name);
  const m = repo.get(ref);
  if (!m) throw manifestUnknown(ref);
  const digest = ex.lie ? sha256(flipOneByte(m.bytes)) : digestFor(ref, m);
  const headers = { 'Content-Type': m.mediaType, 'Docker-Content-Digest': digest, ETag: `"${digest}"` };
  if (ex.method === 'HEAD') send(ex.res, 200, headers, undefined, m.bytes.length);
  else send(ex.res, 200, headers, ex.corrupt ? flipOneByte(m.bytes) : m.bytes);
}

/** PUT /v2/<name>/manifests/<ref> */
export async function putManifest(
  state: RegistryState,
  ex: Exchange,
  name: string,
  ref: string,
): Promise<void> {
  const target = parseReference(ref);
  const bytes = await readBody(ex.req, MAX_MANIFEST_BODY);
  const digest: Digest = 'digest' in target ? digestLike(bytes, target.digest) : sha256(bytes);
  if ('digest' in target && digest !== target.digest) {
    throw digestInvalid('manifest content does not match the digest it was pushed by', target.digest);
  }
  const doc = parseManifest(bytes);
  const contentType = (ex.req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const declared = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : undefined;
  if (declared !== undefined && contentType !== '' && declared !== contentType) {
    throw invalid(`Content-Type "${contentType}" differs from the manifest's mediaType "${declared}"`);
  }
  const mediaType = contentType || declared;
  if (!mediaType) throw invalid('no Content-Type and no mediaType: the manifest type is unknown');
  const repo = state.manifests.get(name) ?? new Map<string, StoredManifest>();
  checkReferences(state, repo, doc);
  checkIfMatch(ex, repo.get(ref), ref);
  const stored: StoredManifest = { mediaType, bytes };
  repo.set(digest, stored);
  if ('tag' in target) repo.set(target.tag, stored);
  state.manifests.set(name, repo);
  const headers: Record<string, string> = {
    Location: `/v2/${name}/manifests/${digest}`,
    'Docker-Content-Digest': digest,
  };
  const subject = descriptorDigest(doc['subject']);
  if (subject !== undefined && state.referrers) headers['OCI-Subject'] = subject;
  send(ex.res, 201, headers);
}

/** DELETE /v2/<name>/manifests/<ref>: a tag alone, or a digest with every tag pointing at it. */
export function deleteManifest(state: RegistryState, ex: Exchange, name: string, ref: string): void {
  const target = parseReference(ref);
  const repo = state.manifests.get(name);
  if (!repo) throw nameUnknown(name);
  const m = repo.get(ref);
  if (!m) throw manifestUnknown(ref);
  if ('digest' in target) {
    const gone = sha256(m.bytes);
    for (const [key, value] of [...repo]) {
      if (!isDigest(key) && sha256(value.bytes) === gone) repo.delete(key);
    }
  }
  repo.delete(ref);
  send(ex.res, 202, {});
}

/** The parsed JSON object of a manifest, or 400 MANIFEST_INVALID. */
export function parseManifest(bytes: Buffer): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalid(`manifest is not JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw invalid('manifest is not a JSON object');
  return doc as Record<string, unknown>;
}

/** The digest of a descriptor-shaped value, if it has a valid one. */
export function descriptorDigest(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const d = (value as Record<string, unknown>)['digest'];
  return isDigest(d) ? d : undefined;
}

const invalid = (message: string): RegistryError => new RegistryError(400, 'MANIFEST_INVALID', message);

/** Config and layers must be stored blobs, child manifests of an index stored in this repository. */
function checkReferences(
  state: RegistryState,
  repo: Map<string, StoredManifest>,
  doc: Record<string, unknown>,
): void {
  const blobs = [doc['config'], ...(Array.isArray(doc['layers']) ? doc['layers'] : [])].filter(
    (d) => d !== undefined,
  );
  for (const d of blobs) {
    const digest = descriptorDigest(d);
    if (digest === undefined) throw invalid('a config or layer descriptor has no valid digest');
    const desc = d as Record<string, unknown>;
    const external =
      Array.isArray(desc['urls']) || String(desc['mediaType'] ?? '').includes('nondistributable');
    if (!external && !state.blobs.has(digest)) throw blobUnknownIn(digest);
  }
  const children = Array.isArray(doc['manifests']) ? doc['manifests'] : [];
  for (const d of children) {
    const digest = descriptorDigest(d);
    if (digest === undefined) throw invalid('an index entry has no valid digest');
    if (!repo.has(digest)) throw blobUnknownIn(digest);
  }
}

const blobUnknownIn = (digest: string): RegistryError =>
  new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `manifest references unknown ${digest}`, {
    detail: { digest },
  });

/** If-Match (RFC 9110 §13.1.1) against the current ETag of the reference; 412 when it fails. */
function checkIfMatch(ex: Exchange, current: StoredManifest | undefined, ref: string): void {
  const header = ex.req.headers['if-match'];
  if (header === undefined) return;
  const etag = current ? `"${digestFor(ref, current)}"` : undefined;
  const listed = header.split(',').map((s) => s.trim());
  if (etag !== undefined && (listed.includes('*') || listed.includes(etag))) return;
  throw new RegistryError(
    412,
    'PRECONDITION_FAILED',
    `If-Match ${header} does not match ${etag ?? 'nothing'}`,
  );
}
