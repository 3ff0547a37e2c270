// Case 2: the `base` preset from the real Debian mirror, cold (empty download cache) and warm, against
// `mmdebstrap --variant=extract` of the same package set from the same mirrors (cold: empty apt archive
// cache; warm: its debs kept). Prints the ratios and the image size next to distroless base's (brief §8).
// (--no-sbom: mmdebstrap writes no SBOM; the SBOM a default build attaches costs one inventory of the image)
// Then the warm rebuilds no peer does (unlocked: the indexes and layers cached; --locked --offline: from the
// lock alone) and the peak memory of a cold and of a warm build next to mmdebstrap's, each with its issue 13
// goal.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorsFrom, readAptSources } from '../../src/apt-repo/index.ts';
import {
  MiB,
  peakMiB,
  pith,
  pithLine,
  report,
  reportAlone,
  reportGoal,
  reportMemory,
  sh,
  time,
  timePair,
} from '../lib.ts';

const BASE = join(import.meta.dirname, '..', '..', 'presets', 'trixie', 'base.yaml');
/** distroless base-debian13 amd64, estimated in briefs/distroless.md §8. */
const DISTROLESS_BASE = { compressedMiB: 9.0, uncompressedMiB: 24.4 };

async function packageList(): Promise<string[]> {
  const text = await readFile(BASE, 'utf8');
  const line = /^packages: \[([^\]]+)\]/m.exec(text)?.[1] ?? '';
  return [...line.split(',').map((s) => s.trim()), 'ca-certificates'];
}

export async function debianBaseCase(work: string): Promise<void> {
  const mirrors = mirrorsFrom(await readAptSources());
  if (!mirrors.archive || !mirrors.security) throw new Error('no Debian mirror in the host apt sources');
  const pkgs = await packageList();
  const cache = await mkdtemp(join(tmpdir(), 'pith-bench-cache-'));
  const archives = await mkdtemp(join(tmpdir(), 'pith-bench-apt-'));
  let n = 0;
  let compressed = 0;
  const pithBuild = async () => {
    const out = await pith(
      `build --preset base --arch amd64 --no-sbom --cache-dir '${cache}' --output 'oci:${join(work, `base-${n++}`)}' --json`,
    );
    compressed = (JSON.parse(out) as { images: { size: number }[] }).images[0]!.size;
  };
  const sources = [
    `deb ${mirrors.archive} trixie main`,
    `deb ${mirrors.archive} trixie-updates main`,
    `deb ${mirrors.security} trixie-security main`,
  ]
    .map((s) => `'${s}'`)
    .join(' ');
  const tarPath = join(work, 'mmdebstrap.tar');
  // mmdebstrap keeps no download cache of its own: its debs are synced in before and out after each run
  // (and removed from the output), so its warm runs skip downloads as pith's do.
  const mmdebstrapLine =
    `mmdebstrap --quiet --variant=extract --architectures=amd64 --include=${pkgs.join(',')} --skip=download/empty ` +
    `--setup-hook='mkdir -p "$1/var/cache/apt/archives/partial"' --setup-hook='sync-in ${archives} /var/cache/apt/archives' ` +
    `--customize-hook='sync-out /var/cache/apt/archives ${archives}' --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' ` +
    `trixie ${tarPath} ${sources}`;
  const mmdebstrap = () => sh(mmdebstrapLine);
  const clean = async (dir: string) => {
    await rm(dir, { recursive: true, force: true });
    await sh(`mkdir -p '${dir}/partial'`);
  };
  const [coldPith, coldPeer] = await timePair(
    { before: () => clean(cache), run: pithBuild },
    { before: () => clean(archives), run: mmdebstrap },
    3,
    false,
  );
  // peak memory of one more cold run each (the cold build parses the indexes and makes every layer)
  const coldPeak = await peakMiB(
    `rm -rf '${cache}' && mkdir -p '${cache}/partial' && ${pithLine(
      `build --preset base --arch amd64 --no-sbom --cache-dir '${cache}' --output 'oci:${join(work, `cold-peak-${n++}`)}'`,
    )}`,
  );
  const mmColdPeak = await peakMiB(
    `rm -rf '${archives}' && mkdir -p '${archives}/partial' && ${mmdebstrapLine}`,
  );
  const [warmPith, warmPeer] = await timePair(pithBuild, mmdebstrap);
  // the same package set from a config file with its lock, rebuilt from the cache alone
  const project = join(work, 'project');
  await sh(`mkdir -p '${project}'`);
  await writeFile(join(project, 'pith.yaml'), 'preset: base\narchs: [amd64]\n');
  await pith(`lock '${join(project, 'pith.yaml')}' --cache-dir '${cache}'`);
  const locked = await time(() =>
    pith(
      `build '${join(project, 'pith.yaml')}' --locked --offline --no-sbom --cache-dir '${cache}' --output 'oci:${join(work, `locked-${n++}`)}'`,
    ),
  );
  const pithPeak = await peakMiB(
    pithLine(
      `build --preset base --arch amd64 --no-sbom --cache-dir '${cache}' --output 'oci:${join(work, `peak-${n++}`)}'`,
    ),
  );
  const mmPeak = await peakMiB(mmdebstrapLine);
  const tarMiB = (await stat(tarPath)).size / MiB;
  report('debian: base preset, cold (empty download cache)', 0, coldPith, 'mmdebstrap', coldPeer);
  reportGoal('0.5x mmdebstrap', coldPith.median, 0.5 * coldPeer.median, 's');
  reportMemory(coldPeak, 'mmdebstrap', mmColdPeak);
  reportGoal('peak RSS, cold', coldPeak, 150, 'MiB');
  report('debian: base preset, warm (downloads cached)', 0, warmPith, 'mmdebstrap', warmPeer);
  reportGoal('warm, unlocked', warmPith.median, 0.8, 's');
  reportMemory(pithPeak, 'mmdebstrap', mmPeak);
  reportGoal('peak RSS, warm', pithPeak, 150, 'MiB');
  reportAlone('debian: base preset, warm, --locked --offline', locked);
  reportGoal('warm, locked', locked.median, 0.4, 's');
  process.stdout.write(
    `  sizes       pith base image ${(compressed / MiB).toFixed(1)} MiB compressed (docs dropped); mmdebstrap extract tar ${tarMiB.toFixed(1)} MiB uncompressed;\n` +
      `              distroless base-debian13 ≈ ${DISTROLESS_BASE.compressedMiB} MiB compressed / ${DISTROLESS_BASE.uncompressedMiB} MiB uncompressed (briefs/distroless.md §8)\n`,
  );
  await Promise.all([cache, archives, work].map((d) => rm(d, { recursive: true, force: true })));
}
