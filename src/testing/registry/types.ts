// The memory registry's shapes: the public options (auth, faults, redirects, paging), what it records,
// and the state its handlers share (blob and manifest stores, open upload sessions). Kept apart from the
// handlers so that every handler file depends only on these types, never on each other.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How the registry authenticates requests under /v2/. */
export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'basic'; users: Record<string, string> }
  | {
      kind: 'bearer';
      users: Record<string, string>;
      /** The `service` of the challenge and the token endpoint; default 'memory-registry'. */
      service?: string;
      /** Anonymous token requests get pull (only) on every repository requested. */
      allowAnonymousPull?: boolean;
      /** The token endpoint accepts only the OAuth2 POST form (GET answers 405). */
      tokenPostForm?: boolean;
    };

/** What a fault predicate sees of a request. */
export interface FaultRequest {
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  /** 1-based: 1 + the number of earlier requests this fault's `match` accepted (so `n <= k` = first k). */
  n: number;
  /** 1-based attempt number of this method on this path (query ignored), counted over every request. */
  attempt: number;
}

/** A fault to inject; the first fault (in order) whose `match` accepts a request applies to it. */
export interface Fault {
  match: (req: FaultRequest) => boolean;
  /**
   * status-500 / status-429 / {status}: answer with that status and an OCI error body.
   * reset: reset the connection (a request with a body is reset after its first chunk is read).
   * corrupt-blob: serve a blob or manifest GET with one byte flipped under the correct digest header.
   * wrong-digest-header: serve a manifest (GET or HEAD) intact, under a Docker-Content-Digest that is not its own.
   */
  action:
    | 'status-500'
    | 'status-429'
    | 'reset'
    | 'corrupt-blob'
    | 'wrong-digest-header'
    | { status: number; retryAfter?: string };
}

export interface MemoryRegistryOptions {
  auth?: RegistryAuth;
  /** Serve GET /v2/<name>/referrers/<digest> (default true); false answers 404 there. */
  referrers?: boolean;
  faults?: Fault[];
  /** GET blob answers 307 to `${redirectBlobsTo}/blob/<digest>` (e.g. another memory registry's url). */
  redirectBlobsTo?: string;
  /** Page size of tags/list and _catalog (default 100). */
  pageSize?: number;
}

export interface RecordedRequest {
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
}

export interface StoredManifest {
  mediaType: string;
  bytes: Buffer;
}

/** An open blob upload session. */
export interface UploadSession {
  id: string;
  repo: string;
  chunks: Buffer[];
  size: number;
}

/** State shared by every handler of one registry. */
export interface RegistryState {
  url: string;
  host: string;
  auth: RegistryAuth;
  service: string;
  referrers: boolean;
  pageSize: number;
  redirectBlobsTo: string | undefined;
  /** HMAC key of the bearer tokens this registry issues. */
  tokenKey: Buffer;
  blobs: Map<string, Buffer>;
  manifests: Map<string, Map<string, StoredManifest>>;
  uploads: Map<string, UploadSession>;
}

/** One request being served. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** Set by a corrupt-blob fault: flip a byte of the blob or manifest served. */
  corrupt: boolean;
  /** Set by a wrong-digest-header fault: name another digest in Docker-Content-Digest. */
  lie?: boolean;
}
