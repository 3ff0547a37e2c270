// Test helper: asks the host's real `dpkg --compare-versions` about many versions at once. One `sh`
// loop per CPU reads tab-separated pairs on stdin and prints one verdict per line, so thousands of
// dpkg runs cost a few seconds instead of thousands of Node spawns.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { compareVersions } from '../../src/apt-repo/version.ts';

/** Whether `dpkg` can be run on this machine. */

/** dpkg's verdict on a pair: its order, or 'err' when a version was rejected. */
export type Verdict = 'lt' | 'eq' | 'gt' | 'err';

/** A comparison's sign as a verdict. */
export const sign = (n: number): Verdict => (n < 0 ? 'lt' : n > 0 ? 'gt' : 'eq');

/** pith's verdict on a pair, in dpkg's terms ('err' where pith refuses a version). */
export function verdict(a: string, b: string): Verdict {
  try {
    return sign(compareVersions(a, b));
  } catch {
    return 'err';
  }
}

/** dpkg's verdict on one version alone: rejected, accepted with a warning, or clean. */
export type Validity = 'error' | 'warning' | 'ok';

const COMPARE_SCRIPT = `
while IFS="$(printf '\\t')" read -r a b; do
  dpkg --compare-versions "$a" lt "$b" 2>/dev/null; r=$?
  if [ $r -eq 0 ]; then echo lt
  elif [ $r -ne 1 ]; then echo err
  else
    dpkg --compare-versions "$a" eq "$b" 2>/dev/null; r=$?
    if [ $r -eq 0 ]; then echo eq; elif [ $r -eq 1 ]; then echo gt; else echo err; fi
  fi
done`;

const VALIDITY_SCRIPT = `
while IFS= read -r v; do
  out=$(dpkg --compare-versions "$v" eq "$v" 2>&1); r=$?
  case "$out" in *warning*) w=warning;; *) w=ok;; esac
  if [ $r -eq 0 ]; then echo $w; else echo error; fi
done`;

function runScript(script: string, lines: string[]): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', fail);
    child.on('close', (code) => {
      const got = out.split('\n').slice(0, -1);
      if (code !== 0 || got.length !== lines.length) fail(new Error(`oracle failed (exit ${code})`));
      else done(got);
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

/** Runs `script` over `lines` split into one chunk per CPU; results come back in input order. */
async function parallel(script: string, lines: string[]): Promise<string[]> {
  const n = Math.max(1, Math.min(availableParallelism(), 8));
  const size = Math.ceil(lines.length / n);
  const chunks: string[][] = [];
  for (let i = 0; i < lines.length; i += size) chunks.push(lines.slice(i, i + size));
  return (await Promise.all(chunks.map((c) => runScript(script, c)))).flat();
}

/** dpkg's verdict for each [a, b] pair (versions must not contain tabs or newlines). */
export async function dpkgCompare(pairs: readonly (readonly [string, string])[]): Promise<Verdict[]> {
  return (await parallel(
    COMPARE_SCRIPT,
    pairs.map(([a, b]) => `${a}\t${b}`),
  )) as Verdict[];
}

/** dpkg's verdict on each version alone (versions must not contain newlines or start with '-'). */
export async function dpkgValidity(versions: readonly string[]): Promise<Validity[]> {
  return (await parallel(VALIDITY_SCRIPT, [...versions])) as Validity[];
}
