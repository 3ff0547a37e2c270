// Benchmark helpers: timing with medians, pith and its peer each run as whole processes in the same run (as
// users run them, start-up included), and result lines that print a throughput and the ratio against the
// peer (>1 means pith is faster).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Timing {
  median: number;
  runs: number[];
}

/** Runs `fn` `n` times (after one warm-up unless disabled) and returns the times in seconds. */
export async function time(fn: () => Promise<unknown>, n = 3, warmup = true): Promise<Timing> {
  if (warmup) await fn();
  const runs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, runs };
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
