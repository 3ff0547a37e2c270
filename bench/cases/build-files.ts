// Case 1: build a scratch image from ~100 MiB of mixed files (many small text files, compressible logs,
// incompressible binaries, symlinks and hardlinks), against `tar | gzip -6` of the same files.
// (--no-sbom: tar | gzip writes no SBOM either; the SBOM a default build attaches costs one inventory of
// the image, which the inventory case measures)
import { link, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MiB, report, pith as runPith, sh, time } from '../lib.ts';

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

export async function buildFilesCase(work: string): Promise<void> {
  const data = join(work, 'mixed');
  const bytes = await makeDataset(data);
  const config = join(work, 'mixed.yaml');
  await writeFile(config, 'archs: [amd64]\nfiles:\n  - src: mixed\n    dst: /data\n');
  let n = 0;
  const pith = await time(() =>
    runPith(`build '${config}' --no-sbom --output 'oci:${join(work, `out-${n++}`)}'`),
  );
  const peer = await time(() => sh(`tar -C '${data}' -cf - . | gzip -6 > /dev/null`));
  await rm(join(work), { recursive: true, force: true });
  report(
    `build: scratch image from ${(bytes / MiB).toFixed(1)} MiB of mixed files (gzip -6)`,
    bytes,
    pith,
    'tar|gzip -6',
    peer,
  );
}
