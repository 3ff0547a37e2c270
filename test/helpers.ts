// Shared test helpers: run the CLI as a user would (a child process), temporary directories that clean
// themselves up, and the podman invocation this machine supports (runc, cgroupfs, no network).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'src', 'cli', 'main.ts');
const COMPILE_CACHE = join(tmpdir(), 'pith-test-compile-cache');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command, collecting its output; never rejects on a non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 300_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** Runs the pith CLI from the sources with the given arguments. */
export function pith(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  // Node's compile cache: each of the suite's hundreds of CLI processes skips recompiling pith's modules
  const env = { ...process.env, CI: 'true', NODE_COMPILE_CACHE: COMPILE_CACHE, ...opts.env };
  return run(process.execPath, [CLI, ...args], { ...opts, env });
}

/** A fresh temporary directory, removed after the test. */
export async function tempDir(t: TestContext, prefix = 'pith-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** podman as this machine supports it: runc (not crun), cgroupfs, bounded limits, no network. */
export const PODMAN_RUN = [
  '--runtime',
  '/usr/sbin/runc',
  'run',
  '--rm',
  '--cgroup-manager=cgroupfs',
  '--ulimit',
  'nofile=1024:1024',
  '--ulimit',
  'nproc=1024:1024',
  '--network',
  'none',
];

/**
 * `setpriv` arguments that run a command as root without any capability (CAP_DAC_OVERRIDE included), so
 * file permissions apply to it as to any user: a mode-000 file is EACCES. Unlike switching to `nobody`, the
 * process still reaches a checkout that only root may read (a clone in a 0700 temporary directory).
 */
export const WITHOUT_CAPABILITIES = ['--bounding-set=-all', '--inh-caps=-all'];

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * The CLI options that point a command at a signed fake Debian repository: its mirrors, the key written to
 * DIR/fake.asc by the caller, and DIR/cache.
 */
export function fakeRepoArgs(repo: { url: string; securityUrl: string }, dir: string): string[] {
  const { url, securityUrl } = repo;
  const keyring = join(dir, 'fake.asc');
  return [
    '--mirror',
    url,
    '--security-mirror',
    securityUrl,
    '--keyring',
    keyring,
    '--cache-dir',
    join(dir, 'cache'),
  ];
}
