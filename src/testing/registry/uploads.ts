// Blob uploads: POST starts a session (202 + Location with a random id), or completes in one request
// (?digest=, monolithic), or mounts an existing blob (?mount=, 201; a missing blob falls back to a session).
// PATCH appends a chunk whose Content-Range must start where the session ends (else 416), GET reports the
// session (204 + Range), PUT ?digest= closes it after checking the digest (400 DIGEST_INVALID), DELETE cancels.
import { randomUUID } from 'node:crypto';
import { digestLike } from '../../util/index.ts';
import { digestInvalid, RegistryError, uploadUnknown } from './errors.ts';
import { MAX_BLOB_BODY, readBody, requireDigest, send } from './http.ts';
import type { Exchange, RegistryState, UploadSession } from './types.ts';

const sessionLocation = (s: UploadSession): string => `/v2/${s.repo}/blobs/uploads/${s.id}`;

/** Range header of a session: `0-<last byte>` (distribution's `0-0` when empty). */
const rangeOf = (s: UploadSession): string => `0-${Math.max(s.size - 1, 0)}`;

function sessionHeaders(s: UploadSession): Record<string, string> {
  return { Location: sessionLocation(s), Range: rangeOf(s), 'Docker-Upload-UUID': s.id };
}

/** POST /v2/<name>/blobs/uploads/ */
export async function startUpload(state: RegistryState, ex: Exchange, name: string): Promise<void> {
  const q = ex.url.searchParams;
  const mount = q.get('mount');
  if (mount !== null) {
    const digest = requireDigest(mount);
    if (state.blobs.has(digest)) {
      await readBody(ex.req, MAX_BLOB_BODY);
      created(ex, name, digest);
      return;
    }
  }
  const wanted = q.get('digest');
  if (wanted !== null && mount === null) {
    const digest = requireDigest(wanted);
    const body = await readBody(ex.req, MAX_BLOB_BODY);
    if (digestLike(body, digest) !== digest) throw digestInvalid('content does not match digest', digest);
    state.blobs.set(digest, body);
    created(ex, name, digest);
    return;
  }
  await readBody(ex.req, MAX_BLOB_BODY);
  const session: UploadSession = { id: randomUUID(), repo: name, chunks: [], size: 0 };
  state.uploads.set(session.id, session);
  send(ex.res, 202, sessionHeaders(session));
}

/** PATCH <location>: one chunk (Content-Range) or the whole stream (no Content-Range). */
export async function patchUpload(
  state: RegistryState,
  ex: Exchange,
  name: string,
  id: string,
): Promise<void> {
  const session = findSession(state, name, id);
  const body = await readBody(ex.req, MAX_BLOB_BODY);
  append(session, ex, body);
  send(ex.res, 202, sessionHeaders(session));
}

/** GET <location>: the session's progress. */
export function uploadStatus(state: RegistryState, ex: Exchange, name: string, id: string): void {
  send(ex.res, 204, sessionHeaders(findSession(state, name, id)));
}

/** PUT <location>?digest=: closes the session, with or without a last chunk. */
export async function finishUpload(
  state: RegistryState,
  ex: Exchange,
  name: string,
  id: string,
): Promise<void> {
  const session = findSession(state, name, id);
  const digest = requireDigest(ex.url.searchParams.get('digest'));
  const body = await readBody(ex.req, MAX_BLOB_BODY);
  if (body.length > 0 || ex.req.headers['content-range'] !== undefined) append(session, ex, body);
  const bytes = Buffer.concat(session.chunks, session.size);
  state.uploads.delete(session.id);
  if (digestLike(bytes, digest) !== digest) throw digestInvalid('content does not match digest', digest);
  state.blobs.set(digest, bytes);
  created(ex, name, digest);
}

/** DELETE <location>: cancels the session. */
export function cancelUpload(state: RegistryState, ex: Exchange, name: string, id: string): void {
  findSession(state, name, id);
  state.uploads.delete(id);
  send(ex.res, 204, {});
}

function findSession(state: RegistryState, name: string, id: string): UploadSession {
  const session = state.uploads.get(id);
  if (!session || session.repo !== name) throw uploadUnknown(id);
  return session;
}

/** Appends a chunk after checking its Content-Range against the session (416 on a gap or overlap). */
function append(session: UploadSession, ex: Exchange, body: Buffer): void {
  const header = ex.req.headers['content-range'];
  if (header !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(header.trim());
    if (!m) {
      throw new RegistryError(400, 'BLOB_UPLOAD_INVALID', `malformed Content-Range "${header}"`, {
        headers: sessionHeaders(session),
      });
    }
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (start !== session.size) {
      throw new RegistryError(
        416,
        'BLOB_UPLOAD_INVALID',
        `chunk starts at ${start}, expected ${session.size}`,
        {
          headers: sessionHeaders(session),
        },
      );
    }
    if (end < start || end - start + 1 !== body.length) {
      throw new RegistryError(
        416,
        'BLOB_UPLOAD_INVALID',
        `Content-Range ${header} does not match ${body.length} bytes`,
        {
          headers: sessionHeaders(session),
        },
      );
    }
  }
  if (session.size + body.length > MAX_BLOB_BODY) {
    throw new RegistryError(413, 'SIZE_INVALID', `upload larger than ${MAX_BLOB_BODY} bytes`);
  }
  session.chunks.push(body);
  session.size += body.length;
}

function created(ex: Exchange, name: string, digest: string): void {
  send(ex.res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}
