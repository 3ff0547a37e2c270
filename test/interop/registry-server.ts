// A real registry for interop tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a free
// port, filesystem storage in a temporary directory, and optionally htpasswd Basic auth (bcrypt, made by
// apache2-utils' htpasswd) and TLS (a CA and a server certificate for IP:127.0.0.1 made with openssl).
// start waits (at most 20 s) until GET /v2/ answers; stop sends SIGTERM, then SIGKILL after 5 s.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../helpers.ts';

export const REGISTRY_BIN = '/usr/bin/docker-registry';
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const TOOL_TIMEOUT_MS = 30_000;

export interface RegistryServerOptions {
  /** htpasswd Basic auth with this one user. */
  auth?: { username: string; password: string };
  /** Serve https with a certificate signed by a CA generated for this registry. */
  tls?: boolean;
}

export interface RegistryServer {
  /** 127.0.0.1:PORT */
  host: string;
  port: number;
  /** http://127.0.0.1:PORT or https://127.0.0.1:PORT */
  origin: string;
  /** The temporary directory holding config, storage, keys and the log. */
  dir: string;
  logFile: string;
  /** The CA certificate (PEM) that signed the server certificate, with tls. */
  caFile?: string;
  /** The last lines of the registry's log, for assertion messages. */
  logTail(lines?: number): string;
  /** Writes a podman auth.json for this registry with the given credentials; returns its path. */
  authFile(username: string, password: string, name?: string): Promise<string>;
  /** Stops the registry (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago: bind port 0 on 127.0.0.1, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? done(port) : fail(new Error('no port from listen(0)'))));
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function tool(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, { cwd, timeoutMs: TOOL_TIMEOUT_MS }).catch((err: Error) => {
    throw new Error(`${cmd} could not be run (${err.message})`);
  });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function htpasswdFile(dir: string, username: string, password: string): Promise<string> {
  if (!existsSync('/usr/bin/htpasswd')) {
    throw new Error('htpasswd is missing: install apache2-utils (.ci/run does) to test Basic auth');
  }
  const line = await tool('htpasswd', ['-Bbn', username, password], dir);
  const file = join(dir, 'htpasswd');
  await writeFile(file, `${line.trim()}\n`, { mode: 0o600 });
  return file;
}

/** A CA, and a server key and certificate for IP:127.0.0.1 signed by it (EC P-256, valid one day). */
async function certificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await tool(
    'openssl',
    ['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=pith test CA', '-keyout', caKey, '-out', ca],
    dir,
  );
  await tool('openssl', ['req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', csr], dir);
  await writeFile(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  await tool(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      ext,
      '-out',
      cert,
    ],
    dir,
  );
  return { ca, cert, key };
}

/** One GET /v2/; resolves with the status, rejects when nothing answered. */
function probe(origin: string, ca: string | undefined): Promise<number> {
  return new Promise((done, fail) => {
    const url = new URL('/v2/', origin);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', timeout: 2_000, ...(ca ? { ca } : {}) },
      (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end();
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((done) => {
    timer = setTimeout(() => done('late'), STOP_GRACE_MS);
  });
  if ((await Promise.race([gone, late])) === 'late') {
    child.kill('SIGKILL');
    await gone;
  }
  clearTimeout(timer);
}

/** Starts docker-registry; throws (with the log's tail) when it does not answer within 20 s. */
export async function startRegistry(opts: RegistryServerOptions = {}): Promise<RegistryServer> {
  if (!existsSync(REGISTRY_BIN)) {
    throw new Error(`${REGISTRY_BIN} is missing: install docker-registry (.ci/run does)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'pith-registry-'));
  const logFile = join(dir, 'registry.log');
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child) await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const htpasswd = opts.auth ? await htpasswdFile(dir, opts.auth.username, opts.auth.password) : undefined;
    const certs = opts.tls ? await certificates(dir) : undefined;
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const origin = `${certs ? 'https' : 'http'}://${host}`;
    const config = [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: text',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
      '  delete:',
      '    enabled: true',
      '  maintenance:',
      '    uploadpurging:',
      '      enabled: false',
      'http:',
      `  addr: ${host}`,
      '  secret: pith-interop-test-secret',
      ...(certs
        ? [
            '  tls:',
            `    certificate: ${JSON.stringify(certs.cert)}`,
            `    key: ${JSON.stringify(certs.key)}`,
          ]
        : []),
      ...(htpasswd
        ? ['auth:', '  htpasswd:', '    realm: pith-test', `    path: ${JSON.stringify(htpasswd)}`]
        : []),
      '',
    ].join('\n');
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, config);

    const log = openSync(logFile, 'a');
    try {
      child = spawn(REGISTRY_BIN, ['serve', configFile], {
        cwd: dir,
        stdio: ['ignore', log, log],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      });
    } finally {
      closeSync(log);
    }
    const spawned = child;
    const spawnError = new Promise<Error>((done) => spawned.once('error', done));
    let lastError = '';
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exited(spawned)) {
        throw new Error(
          `docker-registry exited (${spawned.exitCode ?? spawned.signalCode}) before answering; log:\n${tail(logFile)}`,
        );
      }
      const answer = await Promise.race([
        probe(origin, certs ? readFileSync(certs.ca, 'utf8') : undefined).then(
          (status) => ({ status }),
          (err: Error) => ({ error: err.message }),
        ),
        spawnError.then((err) => ({ spawnError: err.message })),
      ]);
      if ('spawnError' in answer)
        throw new Error(`docker-registry could not be started: ${answer.spawnError}`);
      if ('status' in answer && (answer.status === 200 || answer.status === 401)) break;
      lastError = 'status' in answer ? `status ${answer.status}` : answer.error;
      if (Date.now() > deadline) {
        throw new Error(
          `docker-registry did not answer GET ${origin}/v2/ within ${READY_TIMEOUT_MS / 1000} s (${lastError}); log:\n${tail(logFile)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    let stopped: Promise<void> | undefined;
    return {
      host,
      port,
      origin,
      dir,
      logFile,
      ...(certs ? { caFile: certs.ca } : {}),
      logTail: (lines?: number) => tail(logFile, lines),
      authFile: async (username, password, name = 'auth.json') => {
        const file = join(dir, name);
        const auth = Buffer.from(`${username}:${password}`).toString('base64');
        await writeFile(file, JSON.stringify({ auths: { [host]: { auth } } }), { mode: 0o600 });
        return file;
      },
      stop: () => (stopped ??= stop()),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
