// The registry transport (style.md §1.2, ggcr's remote/transport): knows hosts, not images. It pings
// /v2/ once, answers the challenge (oci.md §13), follows redirects by hand without leaking credentials
// (§12.6, §16), retries transient failures (§12.7), bodies that fail mid-way included (body-retry.ts), and
// turns unexpected statuses into RegistryErrors. Credentials go to the registry origin and its token realm
// only, and never into a message.
import { PithError } from '../../../util/index.ts';
import { Authorizer, splitScopes } from './auth.ts';
import { type Resend, readRetrying, resumingBody } from './body-retry.ts';
import type { CredentialSource } from './credentials.ts';
import { ERROR_BODY_CAP, networkError, RegistryError, redactUrl, statusError } from './errors.ts';
import { Connections, discard, type Exchange, readCapped } from './http.ts';
import { type Hop, hopHeaders, isRedirect, MAX_REDIRECTS, nextHop } from './redirect.ts';
import { type RegistryResponse, toResponse } from './response.ts';
import { DEFAULT_ATTEMPTS, type RetryInfo, type RetryPolicy, retrying } from './retry.ts';
import { type Endpoint, endpointFor, plainHttpAllowed, type Scheme } from './scheme.ts';
import { TOKEN_BODY_CAP, type TokenSender } from './token.ts';

export interface TransportOptions {
  /** host[:port]; `https://host` forces TLS, `http://host` asks for plain http (see scheme.ts). */
  registry: string;
  /** Allow plain http for this registry; otherwise only loopback hosts use it. */
  insecure?: boolean;
  /** An extra CA bundle (PEM) trusted besides the default roots. */
  caFile?: string;
  credentials?: CredentialSource;
  /** Attempts in all, the first included (default 4; 1 disables retries). */
  retries?: number;
  userAgent?: string;
  onRetry?: (info: RetryInfo) => void;
  /**
   * Idle timeout in ms: no byte either way for this long fails the attempt (default 30 000). The wait for
   * the answer to a request with a body is allowed at least 120 s (registries may take a while to commit).
   */
  timeoutMs?: number;
  /** Cancels requests in flight and retry waits; a cancelled request is never retried. */
  signal?: AbortSignal;
  /** Waits between attempts (default a timer that the signal cancels); tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

/** A response whose body was read whole. */
export interface ReadResponse {
  status: number;
  headers: Headers;
  /** The URL that answered (after redirects). */
  url: string;
  bytes: Buffer;
}

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface RegistryRequest {
  method: Method;
  /** `/v2/…`, query included. */
  path: string;
  headers?: Record<string, string>;
  /** A Buffer, or a factory called once per attempt and per redirect hop, so the body can be resent. */
  body?: Buffer | (() => AsyncIterable<Buffer>);
  /** e.g. `repository:library/busybox:pull`; several scopes separated by spaces; '' for none. */
  scope: string;
  /** Statuses that count as success (default: any 2xx). */
  expect?: readonly number[];
  /** Follow redirects (default true for GET and HEAD, false otherwise). */
  followRedirects?: boolean;
}

/** Talks to one registry. Safe for concurrent requests; `close()` frees pooled connections. */
export class RegistryTransport {
  readonly #opts: TransportOptions;
  readonly #endpoint: Endpoint | undefined;
  readonly #refusal: PithError | undefined;
  readonly #conns: Connections;
  readonly #auth: Authorizer;
  readonly #policy: RetryPolicy;
  #ping: Promise<void> | undefined;

  constructor(opts: TransportOptions) {
    this.#opts = opts;
    try {
      this.#endpoint = endpointFor(opts.registry, opts.insecure);
    } catch (err) {
      if (!(err instanceof PithError)) throw err;
      this.#refusal = err; // reported by request(), before any network I/O
    }
    this.#conns = new Connections({ caFile: opts.caFile, timeoutMs: opts.timeoutMs, signal: opts.signal });
    this.#policy = {
      attempts: Math.max(1, opts.retries ?? DEFAULT_ATTEMPTS),
      onRetry: opts.onRetry,
      signal: opts.signal,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    };
    const host = this.#endpoint?.host ?? opts.registry;
    this.#auth = new Authorizer(host, opts.credentials, this.#sendToken);
  }

  /** The scheme requests use; throws when the registry string was refused. */
  get scheme(): Scheme {
    return this.#target().scheme;
  }

  /** The registry as host[:port]. */
  get registry(): string {
    return this.#target().host;
  }

  /** Sends a request; resolves with an expected response, rejects with a RegistryError (or PithError). */
  async request(req: RegistryRequest): Promise<RegistryResponse> {
    const ep = this.#target();
    if (!req.path.startsWith('/')) {
      throw new PithError(
        'internal',
        'BAD_REQUEST_PATH',
        `registry request path must start with /: ${req.path}`,
      );
    }
    const url = new URL(`${ep.origin}${req.path}`);
    const scopes = splitScopes(req.scope);
    await this.#pinged(ep);
    const follow = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD');
    const headers = lowerCase({ 'user-agent': this.#opts.userAgent ?? 'pith', ...req.headers });
    const first: Hop = { method: req.method, url, headers, withBody: req.body !== undefined };
    for (let reauthed = false; ; reauthed = true) {
      const authorization = await this.#auth.authorization(scopes);
      const x = await retrying(req.method, this.#policy, () =>
        this.#chain(first, req.body, follow, ep.origin, authorization),
      );
      const fromRegistry = x.url.origin === ep.origin;
      if (x.status === 401 && fromRegistry && !reauthed && !req.expect?.includes(401)) {
        if (await this.#auth.recover(x.headers.get('www-authenticate'), scopes)) {
          discard(x);
          continue;
        }
      }
      if (req.expect ? req.expect.includes(x.status) : x.status >= 200 && x.status < 300)
        return toResponse(x);
      throw await this.#failure(x, fromRegistry);
    }
  }

  /** Sends a request and reads its body whole (at most `max` bytes), asking again if it fails mid-way. */
  read(req: RegistryRequest, max?: number): Promise<ReadResponse> {
    return readRetrying(req.method, this.#policy, this.#resend(req), async (res) => ({
      status: res.status,
      headers: res.headers,
      url: res.url,
      bytes: await res.bytes(max),
    }));
  }

  /** A body (of `size` bytes, if known) as a stream that resumes where it stopped if the connection fails. */
  stream(req: RegistryRequest, size?: number): AsyncIterable<Buffer> {
    return resumingBody(req.method, this.#policy, this.#resend(req), size);
  }

  /** Frees pooled connections; later requests open new ones. */
  close(): void {
    this.#conns.close();
  }

  /** The request again with extra headers; a Range request also accepts 206. */
  #resend(req: RegistryRequest): Resend {
    return (headers) => {
      const ranged = headers['range'] !== undefined && req.expect !== undefined;
      return this.request({
        ...req,
        headers: { ...req.headers, ...headers },
        ...(ranged ? { expect: [...req.expect!, 206] } : {}),
      });
    };
  }

  #target(): Endpoint {
    if (this.#refusal) throw this.#refusal;
    return this.#endpoint!;
  }

  #pinged(ep: Endpoint): Promise<void> {
    this.#ping ??= this.#doPing(ep).catch((err: unknown) => {
      this.#ping = undefined;
      throw err;
    });
    return this.#ping;
  }

  /** GET /v2/: 200 means no auth, 401 carries the challenge (oci.md §13 step 1). */
  async #doPing(ep: Endpoint): Promise<void> {
    const hop: Hop = {
      method: 'GET',
      url: new URL(`${ep.origin}/v2/`),
      headers: this.#baseHeaders(),
      withBody: false,
    };
    const x = await retrying('GET', this.#policy, () =>
      this.#chain(hop, undefined, true, ep.origin, undefined),
    );
    if (x.status === 401) this.#auth.adopt(x.headers.get('www-authenticate'));
    else if (x.status < 200 || x.status >= 300) throw await this.#failure(x, true);
    discard(x);
  }

  /** Sends token requests: retried, redirects followed, `authorization` for the realm's origin only. */
  readonly #sendToken: TokenSender = async (url, init) => {
    if (url.protocol !== 'https:' && !this.#plainHttpOk(url)) {
      throw new PithError(
        'input',
        'PLAIN_HTTP_REFUSED',
        `token realm ${url.origin} is plain http and not loopback; refusing to send credentials there`,
      );
    }
    const headers = { ...this.#baseHeaders(), ...init.headers };
    const hop: Hop = { method: init.method, url, headers, withBody: init.body !== undefined };
    const send = async () =>
      toResponse(
        await retrying(init.method, this.#policy, () =>
          this.#chain(hop, init.body, init.method === 'GET', url.origin, init.authorization),
        ),
      );
    return readRetrying(init.method, this.#policy, send, async (res) => ({
      method: init.method,
      url: new URL(res.url),
      status: res.status,
      body: await res.bytes(TOKEN_BODY_CAP),
    }));
  };

  /** One attempt: the request and the redirects it leads to. */
  async #chain(
    first: Hop,
    body: RegistryRequest['body'],
    follow: boolean,
    credentialOrigin: string,
    authorization: string | undefined,
  ): Promise<Exchange> {
    let hop = first;
    for (let hops = 0; ; hops++) {
      const payload =
        hop.withBody && body !== undefined ? (Buffer.isBuffer(body) ? body : body()) : undefined;
      let x: Exchange;
      try {
        x = await this.#conns.send(hop.url, {
          method: hop.method,
          headers: hopHeaders(hop, credentialOrigin, authorization),
          body: payload,
        });
      } catch (err) {
        throw err instanceof PithError ? err : networkError(hop.method, hop.url, err);
      }
      const location = x.headers.get('location');
      if (!follow || !isRedirect(x.status) || !location) return x;
      discard(x);
      if (hops >= MAX_REDIRECTS) {
        throw new RegistryError({
          method: first.method,
          url: first.url,
          code: 'TOO_MANY_REDIRECTS',
          message: `${first.method} ${redactUrl(first.url)}: more than ${MAX_REDIRECTS} redirects`,
        });
      }
      hop = nextHop(hop, x.status, location, (u) => this.#plainHttpOk(u));
    }
  }

  #plainHttpOk(u: URL): boolean {
    return plainHttpAllowed(u.hostname, this.#opts.insecure);
  }

  #baseHeaders(): Record<string, string> {
    return { 'user-agent': this.#opts.userAgent ?? 'pith' };
  }

  async #failure(x: Exchange, fromRegistry: boolean): Promise<RegistryError> {
    let body: string | undefined;
    if (x.method === 'HEAD') discard(x);
    else {
      const r = await readCapped(x.message, ERROR_BODY_CAP).catch(() => undefined); // the status says enough
      body = r?.bytes.toString('utf8');
    }
    let hint: string | undefined;
    if (fromRegistry && (x.status === 401 || x.status === 403)) {
      if (await this.#auth.anonymous())
        hint = `no credentials for ${this.registry}; anonymous access was refused`;
      else hint = `the credentials for ${this.registry} ${x.status === 401 ? 'were refused' : 'lack access'}`;
    }
    return statusError({ method: x.method, url: x.url, status: x.status, body, hint });
  }
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
