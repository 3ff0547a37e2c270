// An in-memory OCI distribution registry (distribution-spec v1.1) served over real HTTP on 127.0.0.1: the
// analogue of go-containerregistry's pkg/registry, for hermetic tests of pith's registry client. It
// speaks none, Basic or bearer auth (with its own token endpoint), pages tags, serves referrers, injects
// faults, can 307 blob GETs to another server, and records every request it receives. Product code.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryError, sendError } from './registry/errors.ts';
import { FaultState } from './registry/faults.ts';
import { route } from './registry/router.ts';
import type {
  Exchange,
  MemoryRegistryOptions,
  RecordedRequest,
  RegistryState,
  StoredManifest,
} from './registry/types.ts';

export type {
  Fault,
  FaultRequest,
  MemoryRegistryOptions,
  RecordedRequest,
  RegistryAuth,
  StoredManifest,
} from './registry/types.ts';

export interface MemoryRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, for image references. */
  host: string;
  /** Every request received, in order (token and storage requests included). */
  requests: RecordedRequest[];
  /** Blobs by digest, shared by every repository. */
  blobs: Map<string, Buffer>;
  /** repository → tag or digest → manifest (a tagged manifest is stored under both). */
  manifests: Map<string, Map<string, StoredManifest>>;
  close(): Promise<void>;
}

/** Starts a registry on an ephemeral port of 127.0.0.1; call close() when done. */
export async function startMemoryRegistry(opts: MemoryRegistryOptions = {}): Promise<MemoryRegistry> {
  const pageSize = opts.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be ≥ 1, got ${pageSize}`);
  const auth = opts.auth ?? { kind: 'none' };
  const requests: RecordedRequest[] = [];
  const faults = new FaultState(opts.faults ?? []);
  const state: RegistryState = {
    url: '',
    host: '',
    auth,
    service: (auth.kind === 'bearer' ? auth.service : undefined) ?? 'memory-registry',
    referrers: opts.referrers ?? true,
    pageSize,
    redirectBlobsTo: opts.redirectBlobsTo,
    tokenKey: randomBytes(32),
    blobs: new Map(),
    manifests: new Map(),
    uploads: new Map(),
  };

  const server = createServer((req, res) => {
    void serve(req, res);
  });
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on('error', () => {}); // a client that goes away mid-body is not the registry's failure
    res.on('error', () => {});
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: flatHeaders(req) });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', state.url);
    } catch {
      sendError(res, new RegistryError(400, 'UNSUPPORTED', 'unparseable request target'));
      return;
    }
    const ex: Exchange = { req, res, method: req.method ?? 'GET', url, corrupt: false };
    if (faults.apply(ex)) return;
    await route(state, ex);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.host = `127.0.0.1:${port}`;
  state.url = `http://${state.host}`;

  return {
    url: state.url,
    host: state.host,
    requests,
    blobs: state.blobs,
    manifests: state.manifests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
