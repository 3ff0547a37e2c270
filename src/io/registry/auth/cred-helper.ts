// The docker-credential-helpers protocol: `docker-credential-<name> get|store|erase` with the server URL
// (or a JSON credential) on stdin and JSON on stdout. Bounded by a timeout; the secret never reaches logs
// or errors, and a helper that says "credentials not found" means anonymous.
import { spawn } from 'node:child_process';
import { PithError } from '../../../util/index.ts';
import type { Credentials } from './credentials.ts';

const TIMEOUT_MS = 15_000;
const NOT_FOUND = /credentials not found/i;

/** Asks a helper for a server's credentials. */
export async function helperGet(helper: string, serverUrl: string): Promise<Credentials | undefined> {
  const r = await runHelper(helper, 'get', serverUrl);
  if (r.code !== 0) {
    if (NOT_FOUND.test(r.stdout) || NOT_FOUND.test(r.stderr)) return undefined;
    throw new PithError(
      'io',
      'CRED_HELPER_FAILED',
      `docker-credential-${helper} get ${serverUrl} failed (exit ${r.code})`,
    );
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new PithError(
      'io',
      'CRED_HELPER_FAILED',
      `docker-credential-${helper} get ${serverUrl}: output is not JSON`,
    );
  }
  if (!parsed.Secret) return undefined;
  // docker's convention: the user name "<token>" marks an identity token
  if (parsed.Username === '<token>') return { identityToken: parsed.Secret };
  return { username: parsed.Username ?? '', password: parsed.Secret };
}

/** Stores credentials with a helper. */
export async function helperStore(
  helper: string,
  serverUrl: string,
  username: string,
  secret: string,
): Promise<void> {
  const r = await runHelper(
    helper,
    'store',
    JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: secret }),
  );
  if (r.code !== 0)
    throw new PithError(
      'io',
      'CRED_HELPER_FAILED',
      `docker-credential-${helper} store ${serverUrl} failed (exit ${r.code})`,
    );
}

/** Erases a server's credentials from a helper. */
export async function helperErase(helper: string, serverUrl: string): Promise<void> {
  const r = await runHelper(helper, 'erase', serverUrl);
  if (r.code !== 0 && !NOT_FOUND.test(r.stdout + r.stderr)) {
    throw new PithError(
      'io',
      'CRED_HELPER_FAILED',
      `docker-credential-${helper} erase ${serverUrl} failed (exit ${r.code})`,
    );
  }
}

function runHelper(
  helper: string,
  op: string,
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper))
    throw new PithError('input', 'BAD_CRED_HELPER', `"${helper}" is not a credential helper name`);
  return new Promise((done, fail) => {
    const child = spawn(`docker-credential-${helper}`, [op], { stdio: ['pipe', 'pipe', 'pipe'] });
    // our own timer, not spawn's `timeout`: that one is never cleared when the helper does not exist
    // (ENOENT), and kept pith alive for 15 s after it had reported the missing helper
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    const settle = () => clearTimeout(timer);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      settle();
      fail(
        new PithError(
          'io',
          'CRED_HELPER_MISSING',
          e.code === 'ENOENT'
            ? `credential helper docker-credential-${helper} is not installed (named in the auth config)`
            : `docker-credential-${helper}: ${e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      settle();
      done({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
