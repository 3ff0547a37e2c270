// Scripted 127.0.0.1 HTTP servers for the transport tests: every request is recorded (method, URL,
// headers, body) and answered by the test's handler; servers close with the test, connections included.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface Seen {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (req: Seen, res: ServerResponse, n: number) => void | Promise<void>;

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `127.0.0.1:PORT` */
  host: string;
  seen: Seen[];
  server: Server;
}

/** Starts a server answering with `handler` (n counts the requests, from 1); closed after the test. */
export async function serve(
  t: TestContext,
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<TestServer> {
  const seen: Seen[] = [];
  const server: Server = tls ? createHttpsServer(tls) : createServer();
  server.on('request', async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // the client went away
    }
    const s: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    seen.push(s);
    try {
      await handler(s, res, seen.length);
    } catch (err) {
      if (!res.headersSent) res.writeHead(599);
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const scheme = tls ? 'https' : 'http';
  return { origin: `${scheme}://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, seen, server };
}

/** Answers with a status, headers and an optional body (JSON for objects). */
export function reply(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
  body?: unknown,
): void {
  const data =
    body === undefined ? '' : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(data)), ...headers });
  res.end(data);
}

/** The Authorization header a request carried (undefined when none). */
export const authOf = (s: Seen): string | undefined => s.headers.authorization;

export const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** A distribution error body. */
export const errorBody = (code: string, message: string, detail?: unknown) => ({
  errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }],
});

/** The query of a recorded request. */
export const queryOf = (s: Seen): URLSearchParams => new URL(s.url, 'http://x').searchParams;
