// Benchmark helpers: timing with medians, pith and its peer each run as whole processes in the same run (as
// users run them, start-up included), and result lines that print a throughput and the ratio against the
// peer (>1 means pith is faster). A peer and pith are timed in turns, each run after a sync.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Timing {
  median: number;
  runs: number[];
}

/** One timed command: `run` is timed; `before`, if any, readies it untimed (say, empties a cache). */
export type Step =
  | (() => Promise<unknown>)
  | { run: () => Promise<unknown>; before?: () => Promise<unknown> };

/** One run of a step, in seconds: the file system is synced first, so no run pays for earlier writes. */
async function once(step: Step): Promise<number> {
  const { run, before } = typeof step === 'function' ? { run: step, before: undefined } : step;
  await before?.();
  await sh('sync');
  const t0 = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function timing(runs: number[]): Timing {
  const sorted = [...runs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, runs };
}

/** Runs `step` `n` times (after one warm-up unless disabled) and returns the times in seconds. */
export async function time(step: Step, n = 3, warmup = true): Promise<Timing> {
  if (warmup) await once(step);
  const runs: number[] = [];
  for (let i = 0; i < n; i++) runs.push(await once(step));
  return timing(runs);
}

/**
 * Times pith and its peer in turns (a, b, a, b, …; one warm-up each unless disabled), so that a slow
 * stretch of the machine (writeback, another process) falls on both rather than on whichever ran then.
 */
export async function timePair(a: Step, b: Step, n = 3, warmup = true): Promise<[Timing, Timing]> {
  if (warmup) {
    await once(a);
    await once(b);
  }
  const runs: [number[], number[]] = [[], []];
  for (let i = 0; i < n; i++) {
    runs[0].push(await once(a));
    runs[1].push(await once(b));
  }
  return [timing(runs[0]), timing(runs[1])];
}

/** Runs a shell pipeline, failing on a non-zero exit. */
export function sh(script: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${script}: exit ${code}`))));
  });
}

export const MiB = 1024 * 1024;

/** The pith command line as users run it (bin/pith.js: the built dist/, or the sources in a checkout). */
export const PITH = `'${process.execPath}' '${join(import.meta.dirname, '..', 'bin', 'pith.js')}'`;

/** The shell command line of `pith ARGS…` (progress off), for scripts such as peakMiB's. */
export function pithLine(args: string): string {
  return `${PITH} ${args} -q`;
}

/**
 * Peak resident memory (MiB) of the largest process a shell script runs (GNU time's %M around `bash -c`:
 * the maximum over the script's processes, a pipeline's included), failing on a non-zero exit.
 */
export async function peakMiB(script: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'pith-bench-rss-'));
  try {
    const out = join(dir, 'rss');
    await sh(
      `/usr/bin/time -f %M -o '${out}' bash -o pipefail -c '${script.replaceAll("'", "'\\''")}' > /dev/null`,
    );
    return Number((await readFile(out, 'utf8')).trim().split('\n').at(-1)) / 1024;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A result line for pith alone (no peer does this work). */
export function reportAlone(name: string, pith: Timing): void {
  process.stdout.write(
    `${name}\n  pith        ${pith.median.toFixed(3)} s   (runs: ${pith.runs.map((r) => r.toFixed(3)).join(', ')})\n`,
  );
}

/** A peak-memory line: pith's, and the peer's with the ratio. */
export function reportMemory(pithMiB: number, peerName?: string, peerMiB?: number): void {
  const peer =
    peerName && peerMiB !== undefined
      ? `; ${peerName} ${peerMiB.toFixed(0)} MiB (pith/peer ${(pithMiB / peerMiB).toFixed(1)}x)`
      : '';
  process.stdout.write(`  peak RSS    pith ${pithMiB.toFixed(0)} MiB${peer}\n`);
}

/** The goal for a figure: `value` ≤ `limit` (`what` says how the limit is made), met or missed by how much. */
export function reportGoal(what: string, value: number, limit: number, unit: 's' | 'MiB'): void {
  const digits = unit === 's' ? 3 : 0;
  const verdict =
    value <= limit
      ? 'met'
      : `missed by ${(value - limit).toFixed(digits)} ${unit} (${(value / limit).toFixed(2)}x the goal)`;
  process.stdout.write(`  goal        ${what} ≤ ${limit.toFixed(digits)} ${unit}: ${verdict}\n`);
}

/** Runs `pith ARGS…` as a whole process (progress off), failing on a non-zero exit; resolves to its stdout. */
export function pith(args: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', `${PITH} ${args} -q`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`pith ${args}: exit ${code}`))));
  });
}

/** One result line: name, pith time and throughput, peer time, ratio. */
export function report(name: string, bytes: number, pith: Timing, peerName: string, peer: Timing): void {
  const mbps = (t: Timing) => (bytes ? `${(bytes / MiB / t.median).toFixed(1)} MiB/s` : '');
  process.stdout.write(
    `${name}\n` +
      `  pith        ${pith.median.toFixed(3)} s  ${mbps(pith)}   (runs: ${pith.runs.map((r) => r.toFixed(3)).join(', ')})\n` +
      `  ${peerName.padEnd(11)} ${peer.median.toFixed(3)} s  ${mbps(peer)}   (runs: ${peer.runs.map((r) => r.toFixed(3)).join(', ')})\n` +
      `  ratio       ${(peer.median / pith.median).toFixed(2)}x  (${peerName} time / pith time; >1 = pith faster)\n`,
  );
}
