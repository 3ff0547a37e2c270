// Case 1: build a scratch image from ~100 MiB of mixed files (many small text files, compressible logs,
// incompressible binaries, symlinks and hardlinks), then from 466 MiB of files half random, against
// `tar | gzip -6` of the same files, with peak memory (issue 13 goals: ≤ 0.5x the time of tar | gzip -6 on
// two cores, ≤ 150 MiB). Every pith run starts from an empty cache, so its layer cache saves nothing.
// (--no-sbom: tar | gzip writes no SBOM either; the SBOM a default build attaches costs one inventory of
// the image, which the inventory case measures)
import { randomBytes } from 'node:crypto';
import { link, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MiB,
  peakMiB,
  pithLine,
  report,
  reportGoal,
  reportMemory,
  pith as runPith,
  sh,
  timePair,
} from '../lib.ts';

/** A small deterministic PRNG (mulberry32), so the data set is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'the quick brown fox jumps over lazy dog image layer digest manifest config debian package'.split(' ');

function text(rand: () => number, bytes: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = WORDS[Math.floor(rand() * WORDS.length)]!;
    parts.push(w);
    n += w.length + 1;
  }
  return Buffer.from(parts.join(' ').slice(0, bytes));
}

function binary(rand: () => number, bytes: number): Buffer {
  const b = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i += 4) b.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
  return b;
}

/** Writes the data set; returns its total size in bytes. */
export async function makeDataset(dir: string): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  const rand = prng(42);
  let total = 0;
  const put = async (path: string, data: Buffer) => {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), data);
    total += data.length;
  };
  for (let i = 0; i < 4000; i++)
    await put(`src/pkg${i % 40}/file${i}.txt`, text(rand, 512 + Math.floor(rand() * 6000)));
  for (let i = 0; i < 20; i++) await put(`logs/app${i}.log`, text(rand, 2 * MiB));
  for (let i = 0; i < 12; i++) await put(`bin/blob${i}.bin`, binary(rand, 4 * MiB));
  await put('lib/big.so', binary(rand, 8 * MiB));
  await link(join(dir, 'lib/big.so'), join(dir, 'lib/big-hardlink.so'));
  for (let i = 0; i < 50; i++)
    await symlink(`../src/pkg${i % 40}/file${i}.txt`, join(dir, 'lib', `link${i}`));
  return total;
}

/** 466 MiB: 233 files of 1 MiB random and 233 of 1 MiB text. */
async function makeHalfRandom(dir: string): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  const rand = prng(7);
  let total = 0;
  for (let i = 0; i < 233; i++) {
    await mkdir(join(dir, `d${i % 16}`), { recursive: true });
    const random = randomBytes(MiB);
    const words = text(rand, MiB);
    await writeFile(join(dir, `d${i % 16}`, `r${i}.bin`), random);
    await writeFile(join(dir, `d${i % 16}`, `t${i}.txt`), words);
    total += random.length + words.length;
  }
  return total;
}

/** pith against tar | gzip -6 on one data set, each pith run with an empty cache. */
async function filesRow(work: string, name: string, data: string, bytes: number): Promise<void> {
  const config = join(work, `${name}.yaml`);
  await writeFile(config, `archs: [amd64]\nfiles:\n  - src: ${name}\n    dst: /data\n`);
  let n = 0;
  const build = () => {
    const i = n++;
    return `build '${config}' --no-sbom --cache-dir '${join(work, `cache-${i}`)}' --output 'oci:${join(work, `out-${i}`)}'`;
  };
  const tarGzip = `tar -C '${data}' -cf - . | gzip -6 > /dev/null`;
  const [pith, peer] = await timePair(
    { before: () => sh(`rm -rf '${work}'/cache-* '${work}'/out-*`), run: () => runPith(build()) },
    () => sh(tarGzip),
  );
  const pithPeak = await peakMiB(pithLine(build()));
  const peerPeak = await peakMiB(tarGzip);
  await sh(`rm -rf '${work}'/cache-* '${work}'/out-*`);
  report(
    `build: scratch image from ${(bytes / MiB).toFixed(1)} MiB of ${name === 'mixed' ? 'mixed files' : 'files, half random'} (gzip -6)`,
    bytes,
    pith,
    'tar|gzip -6',
    peer,
  );
  reportGoal('0.5x tar|gzip -6', pith.median, 0.5 * peer.median, 's');
  reportMemory(pithPeak, 'tar|gzip -6', peerPeak);
  reportGoal('peak RSS', pithPeak, 150, 'MiB');
}

export async function buildFilesCase(work: string): Promise<void> {
  await filesRow(work, 'mixed', join(work, 'mixed'), await makeDataset(join(work, 'mixed')));
  await filesRow(work, 'half', join(work, 'half'), await makeHalfRandom(join(work, 'half')));
  await rm(work, { recursive: true, force: true });
}
