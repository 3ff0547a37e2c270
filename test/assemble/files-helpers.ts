// Shared by the host-files tests (and the ELF, base-image, Debian and config-error tests): build a config in
// a temp directory through the library API (in process), read the files layer back with Python's tarfile,
// check that an API refusal is a PithError of the right kind whose message is one line, and run the pith CLI
// as a process without root's capabilities (root reads everything, so permission errors need them dropped,
// which only a separate process can do). buildIn and assertOneLine are the CLI forms (a child process, its
// exit code and its one stderr line), for tests about what the command prints.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import {
  type BuildReport,
  createPith,
  type ErrorKind,
  isPithError,
  type PithError,
} from '../../src/api/index.ts';
import { CLI, pith, type RunResult, run, tempDir, WITHOUT_CAPABILITIES } from '../helpers.ts';
import { type PyMember, pythonList } from '../tar/helpers.ts';

export const IS_ROOT = process.getuid?.() === 0;

/** A temp directory holding `pith.yaml` with `yaml`. */
export async function configDir(t: TestContext, yaml: string): Promise<string> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'pith.yaml'), yaml);
  return dir;
}

/** `pith build pith.yaml --output oci:out` in `dir`, in process: `dir/<config>` to the layout `dir/out`. */
export function buildInProcess(dir: string, config = 'pith.yaml'): Promise<BuildReport> {
  // files-only configs never touch the cache; it is given so that nothing outside `dir` could be
  const api = createPith({ cacheDir: join(dir, '.cache'), env: {} });
  return api.build({ config: join(dir, config), output: `oci:${join(dir, 'out')}` });
}

/** What `call` rejected with, asserted to be a PithError (a bug's error would be something else). */
export async function refusal(call: Promise<unknown>): Promise<PithError> {
  const err = await call.then(
    () => assert.fail('the call succeeded'),
    (e: unknown) => e,
  );
  assert.ok(isPithError(err), `not a PithError: ${(err as Error)?.stack ?? String(err)}`);
  return err;
}

/**
 * Asserts an API failure: a PithError of `kind` (the CLI exits 3 for input, 4 invalid, 5 io) whose message
 * is one line matching `message`, and no output directory in `dir`.
 */
export async function assertRefused(
  call: Promise<unknown>,
  kind: ErrorKind,
  message: RegExp,
  dir?: string,
): Promise<PithError> {
  const err = await refusal(call);
  assert.equal(err.kind, kind, err.message);
  assert.doesNotMatch(err.message, /\n/, 'a one-line message');
  assert.match(err.message, message);
  if (dir) assert.ok(!(await readdir(dir)).includes('out'), 'nothing written');
  return err;
}

/** `pith build pith.yaml --output oci:out` in `dir`, as a child process (the CLI). */
export function buildIn(dir: string, config = 'pith.yaml'): Promise<RunResult> {
  return pith(['build', config, '--output', 'oci:out'], { cwd: dir });
}

/** The members of the last layer (the files layer) of the OCI layout `out`, as Python's tarfile sees them. */
export async function filesLayer(out: string): Promise<PyMember[]> {
  const json = async (digest: string) =>
    JSON.parse(await readFile(join(out, 'blobs', 'sha256', digest.slice(7)), 'utf8'));
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
  const manifest = await json(index.manifests[0].digest);
  return pythonList(join(out, 'blobs', 'sha256', manifest.layers.at(-1).digest.slice(7)));
}

/** Asserts a CLI failure: exit `code`, one `pith:` line (no stack trace) matching `message`, no output dir. */
export async function assertOneLine(
  r: RunResult,
  code: number,
  message: RegExp,
  dir?: string,
): Promise<void> {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('pith: '));
  assert.equal(lines.length, 1, `exactly one error line, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.match(lines[0]!, message);
  if (dir) assert.ok(!(await readdir(dir)).includes('out'), 'nothing written');
}

/** Runs the pith CLI without root's capabilities when the tests run as root, so file permissions apply to it. */
export async function pithUnprivileged(args: string[], dir: string): Promise<RunResult> {
  const env = { ...process.env, CI: 'true', HOME: dir, XDG_CACHE_HOME: join(dir, '.cache') };
  if (!IS_ROOT) return pith(args, { cwd: dir, env });
  return run('setpriv', [...WITHOUT_CAPABILITIES, process.execPath, CLI, ...args], { cwd: dir, env });
}
