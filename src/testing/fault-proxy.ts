// A hostile HTTP proxy on 127.0.0.1 in front of any upstream HTTP server (the in-memory registry, the fake
// Debian repository), for tests of network-fault handling. Each request is forwarded (Range included) and,
// when a rule matches it, its response is sabotaged on the raw socket, so that framing really breaks:
// the connection dropped (FIN or RST) after N body bytes, a stall after N bytes (headers and part of the
// body, then silence), or chunked framing broken after N bytes. Other requests pass through cleanly.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a sabotaged response does; `afterBytes` is clamped so that at least one body byte is missing. */
export type ProxyFault =
  /** Headers with the full Content-Length, `afterBytes` of the body, then FIN (or RST with `reset`). */
  | { kind: 'drop'; afterBytes: number; reset?: boolean }
  /** Headers with the full Content-Length and `afterBytes` of the body, then nothing, until the client goes. */
  | { kind: 'stall'; afterBytes: number }
  /** `Transfer-Encoding: chunked`, one good chunk of `afterBytes`, then a chunk size that is not hex. */
  | { kind: 'bad-chunking'; afterBytes: number };

/** Sabotages the requests it matches, by attempt. */
export interface ProxyRule {
  match: (req: { method: string; path: string }) => boolean;
  /** The fault for the `attempt`-th matching request of this method and path (1-based); undefined passes. */
  fault: (attempt: number) => ProxyFault | undefined;
}

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent to the proxy. */
  path: string;
  /** The Range header the client sent, if any. */
  range?: string;
  /** The status the upstream answered with. */
  status: number;
  /** The fault applied, if any. */
  fault?: ProxyFault['kind'];
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`, followed by the upstream URL's path (so it stands in for that URL). */
  url: string;
  /** `127.0.0.1:PORT`, for image references. */
  host: string;
  /** Every request forwarded, in order. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** A rule: GETs whose path (query aside) contains `part` get `fault` on their first `times` attempts. */
export function failGets(part: string, fault: ProxyFault, times = 1): ProxyRule {
  return {
    match: ({ method, path }) => method === 'GET' && path.split('?')[0]!.includes(part),
    fault: (attempt) => (attempt <= times ? fault : undefined),
  };
}

/** One fault of each kind, each cutting a body after `afterBytes`, with a name for test titles. */
export function everyFault(afterBytes: number): [string, ProxyFault][] {
  return [
    ['a dropped connection (FIN)', { kind: 'drop', afterBytes }],
    ['a reset connection (RST)', { kind: 'drop', afterBytes, reset: true }],
    ['broken chunked framing', { kind: 'bad-chunking', afterBytes }],
    ['a stall', { kind: 'stall', afterBytes }],
  ];
}

/** Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded as they are. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Starts a proxy to `upstream` (`http://127.0.0.1:PORT[/path]`); call close() when done. */
export async function startFaultProxy(upstream: string, rules: ProxyRule[]): Promise<FaultProxy> {
  const target = new URL(upstream);
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    forward(target, req, res, faultFor(rules, attempts, req), requests);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}${target.pathname.replace(/\/+$/, '')}`,
    host,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function faultFor(
  rules: ProxyRule[],
  attempts: Map<string, number>,
  req: IncomingMessage,
): ProxyFault | undefined {
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  for (const [i, rule] of rules.entries()) {
    if (!rule.match({ method, path })) continue;
    const key = `${i} ${method} ${path.split('?')[0]}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    return rule.fault(attempt);
  }
  return undefined;
}

function forward(
  target: URL,
  req: IncomingMessage,
  res: ServerResponse,
  fault: ProxyFault | undefined,
  log: ProxiedRequest[],
): void {
  const headers: OutgoingHttpHeaders = { ...withoutHopByHop(req.headers), host: target.host };
  const path = req.url ?? '/';
  const up = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path, headers },
    (upRes) => {
      const status = upRes.statusCode ?? 502;
      log.push({
        method: req.method ?? '',
        path: req.url ?? '',
        ...(req.headers.range ? { range: req.headers.range } : {}),
        status,
        ...(fault ? { fault: fault.kind } : {}),
      });
      if (!fault) {
        res.writeHead(status, upRes.statusMessage, withoutHopByHop(upRes.headers));
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => sabotage(req.socket, req.method ?? '', upRes, Buffer.concat(chunks), fault));
    },
  );
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-length': '0' });
    res.end();
  });
  req.pipe(up);
}

/** Writes the sabotaged response straight onto the client's socket. */
function sabotage(
  socket: Socket,
  method: string,
  upRes: IncomingMessage,
  body: Buffer,
  fault: ProxyFault,
): void {
  if (method === 'HEAD' || body.length === 0) {
    socket.destroy(); // nothing to cut short: the connection goes before any answer
    return;
  }
  const sent = Math.max(0, Math.min(fault.afterBytes, body.length - 1));
  const status = upRes.statusCode ?? 200;
  const headers = Object.entries(withoutHopByHop(upRes.headers)).filter(([k]) => k !== 'content-length');
  const framing =
    fault.kind === 'bad-chunking' ? ['transfer-encoding: chunked'] : [`content-length: ${body.length}`];
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    ...headers.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`),
    ...framing,
    'connection: close',
    '',
    '',
  ].join('\r\n');
  const part = body.subarray(0, sent);
  if (fault.kind === 'bad-chunking') {
    const chunk = sent > 0 ? [Buffer.from(`${sent.toString(16)}\r\n`), part, Buffer.from('\r\n')] : [];
    socket.end(Buffer.concat([Buffer.from(head), ...chunk, Buffer.from('zz\r\n')]));
    return;
  }
  socket.write(Buffer.concat([Buffer.from(head), part]));
  if (fault.kind === 'stall') return; // until the client gives up (or the proxy closes)
  if (fault.reset) socket.resetAndDestroy();
  else socket.end();
}

function withoutHopByHop(h: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}
