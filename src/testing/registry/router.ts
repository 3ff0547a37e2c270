// Routes one request: /token (bearer), /blob/<digest> (redirect storage), /v2/ and /v2/_catalog, and the
// per-repository endpoints matched by their suffix (so a name may hold "/blobs/" or "/manifests/" itself),
// the name checked against the spec's grammar. Each route states the scopes it needs, checked before its
// handler runs; thrown RegistryErrors become OCI JSON errors, anything else a 500.
import { type Access, authorize } from './auth.ts';
import { deleteBlob, getBlob, getStorageBlob } from './blobs.ts';
import { listCatalog, listReferrers, listTags } from './discovery.ts';
import { RegistryError, sendError } from './errors.ts';
import { send, sendJson } from './http.ts';
import { deleteManifest, getManifest, putManifest } from './manifests.ts';
import { OAuthError, serveToken } from './token.ts';
import type { Exchange, RegistryState } from './types.ts';
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from './uploads.ts';

/** The distribution spec's repository name grammar. */
const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const MAX_PATH = 4096;

type Handler = (state: RegistryState, ex: Exchange, name: string, arg: string) => void | Promise<void>;
interface Route {
  re: RegExp;
  methods: Record<string, Handler>;
}

const ROUTES: Route[] = [
  {
    re: /^\/v2\/(.+)\/blobs\/uploads\/?$/,
    methods: { POST: (s, ex, name) => startUpload(s, ex, name) },
  },
  {
    re: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/,
    methods: { PATCH: patchUpload, PUT: finishUpload, GET: uploadStatus, DELETE: cancelUpload },
  },
  {
    re: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
    methods: { GET: blobRead, HEAD: blobRead, DELETE: (s, ex, _n, d) => deleteBlob(s, ex, d) },
  },
  {
    re: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
    methods: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest },
  },
  { re: /^\/v2\/(.+)\/tags\/list$/, methods: { GET: (s, ex, name) => listTags(s, ex, name) } },
  { re: /^\/v2\/(.+)\/referrers\/([^/]+)$/, methods: { GET: listReferrers } },
];

function blobRead(state: RegistryState, ex: Exchange, _name: string, digest: string): void {
  getBlob(state, ex, digest);
}

/** Serves one request, answering every error it raises. */
export async function route(state: RegistryState, ex: Exchange): Promise<void> {
  try {
    await dispatch(state, ex);
  } catch (err) {
    if (err instanceof RegistryError) {
      sendError(ex.res, err);
    } else if (err instanceof OAuthError) {
      const body = Buffer.from(JSON.stringify({ error: err.error, error_description: err.message }));
      send(ex.res, err.status, { 'Content-Type': 'application/json' }, body);
    } else {
      sendError(
        ex.res,
        new RegistryError(500, 'UNKNOWN', `internal error: ${(err as Error)?.message ?? err}`),
      );
    }
  }
}

async function dispatch(state: RegistryState, ex: Exchange): Promise<void> {
  ex.res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
  const path = ex.url.pathname;
  if (path.length > MAX_PATH) throw new RegistryError(414, 'NAME_INVALID', 'request path too long');
  if (path === '/token') return serveToken(state, ex);
  if (path.startsWith('/blob/')) return getStorageBlob(state, ex, decode(path.slice('/blob/'.length)));
  if (path === '/v2/' || path === '/v2') {
    onlyMethods(ex, ['GET', 'HEAD']);
    authorize(state, ex.req, []);
    return sendJson(ex.res, {});
  }
  if (path === '/v2/_catalog') {
    onlyMethods(ex, ['GET']);
    authorize(state, ex.req, [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    return listCatalog(state, ex);
  }
  for (const r of ROUTES) {
    const m = r.re.exec(path);
    if (!m) continue;
    const name = decode(m[1]!);
    if (name.length > 255 || !NAME_RE.test(name)) {
      throw new RegistryError(400, 'NAME_INVALID', `invalid repository name "${name}"`, { detail: { name } });
    }
    const handler = r.methods[ex.method];
    if (!handler) onlyMethods(ex, Object.keys(r.methods));
    authorize(state, ex.req, scopesFor(ex, name));
    return handler!(state, ex, name, decode(m[2] ?? ''));
  }
  throw new RegistryError(404, 'NAME_UNKNOWN', `no such endpoint: ${ex.method} ${path}`);
}

/** pull for reads; pull,push for writes (distribution's rule); pull on `from` for a mount. */
function scopesFor(ex: Exchange, name: string): Access[] {
  const read = ex.method === 'GET' || ex.method === 'HEAD';
  const scopes: Access[] = [{ type: 'repository', name, actions: read ? ['pull'] : ['pull', 'push'] }];
  const from = ex.url.searchParams.get('from');
  if (ex.method === 'POST' && ex.url.searchParams.has('mount') && from && from !== name) {
    scopes.push({ type: 'repository', name: from, actions: ['pull'] });
  }
  return scopes;
}

function onlyMethods(ex: Exchange, allowed: string[]): void {
  if (allowed.includes(ex.method)) return;
  throw new RegistryError(405, 'UNSUPPORTED', `${ex.method} is not allowed here`, {
    headers: { Allow: allowed.join(', ') },
  });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RegistryError(400, 'NAME_INVALID', `bad percent-encoding in "${segment}"`);
  }
}
