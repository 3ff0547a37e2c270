// Case 5 (issue 11): the nodejs24 image (its size and layer count, next to distroless's), then the
// app-change rebuild a developer waits for: the fixture Node.js app (test/fixtures/node-app, its lock made
// by npm) with 24 MiB of assets (half random), one app file edited per run, rebuilt with `pith build
// --locked --offline` as a whole process, against `gzip -6` of the application layer alone (its tar, taken
// from the image) in the same run: the least any tool must do to ship the change.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MiB, pith, report, reportGoal, sh, time } from '../lib.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'node-app');

interface Built {
  images: { size: number; layers: { digest: string; size: number }[] }[];
}

export async function nodeAppCase(work: string): Promise<void> {
  const cache = join(work, 'cache');
  const preset = JSON.parse(
    await pith(
      `build --preset nodejs24 --arch amd64 --no-sbom --cache-dir '${cache}' --output 'oci:${join(work, 'node24')}' --json`,
    ),
  ) as Built;
  const img = preset.images[0]!;
  process.stdout.write(
    `nodejs24 image (amd64): ${(img.size / MiB).toFixed(1)} MiB compressed, ${img.layers.length} layers ` +
      `(distroless nodejs24-debian13: 22 layers, briefs/distroless.md §1.8)\n`,
  );
  const app = join(work, 'app');
  await sh(`rm -rf '${app}'`);
  await cp(FIXTURE, app, { recursive: true });
  await sh(`cd '${app}' && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >/dev/null`);
  await mkdir(join(app, 'public'));
  await writeFile(join(app, 'public', 'random.bin'), randomBytes(12 * MiB));
  await writeFile(
    join(app, 'public', 'text.txt'),
    'pith bench asset line, compressible\n'.repeat((12 * MiB) / 36),
  );
  await pith(`lock '${app}/pith.yaml' --arch amd64 --cache-dir '${cache}'`);
  // once online: the npm packages reach the download cache (pith lock pins Debian and Node.js, not npm)
  await pith(
    `build '${app}/pith.yaml' --arch amd64 --locked --no-sbom --cache-dir '${cache}' --output 'oci:${join(work, 'app-warm')}'`,
  );
  let n = 0;
  let built: Built | undefined;
  const rebuild = async () => {
    const file = join(app, 'lib', 'greeting.js');
    await writeFile(file, `${await readFile(file, 'utf8')}// edit ${n}\n`);
    built = JSON.parse(
      await pith(
        `build '${app}/pith.yaml' --arch amd64 --locked --offline --no-sbom --cache-dir '${cache}' --output 'oci:${join(work, `app-${n++}`)}' --json`,
      ),
    ) as Built;
  };
  const rebuildTime = await time(rebuild, 3);
  const appLayer = built!.images[0]!.layers.at(-1)!;
  const tar = join(work, 'app-layer.tar');
  await sh(
    `gzip -dc '${join(work, `app-${n - 1}`, 'blobs', 'sha256', appLayer.digest.slice(7))}' > '${tar}'`,
  );
  const tarBytes = (await readFile(tar)).length;
  const gzip = await time(() => sh(`gzip -6 -c '${tar}' > /dev/null`), 3);
  report(
    `node app: one file changed, rebuilt (app layer ${(tarBytes / MiB).toFixed(1)} MiB)`,
    tarBytes,
    rebuildTime,
    'gzip -6',
    gzip,
  );
  // issue 13: ≤ 1.2x (gzip of that layer + pith's start-up)
  const startup = await time(() => pith('--version'), 5);
  reportGoal(
    '1.2x (gzip -6 + pith --version)',
    rebuildTime.median,
    1.2 * (gzip.median + startup.median),
    's',
  );
}
