// Case 4: the inventory and the audit of a 1 GiB image (256 files of 4 MiB, half of them compressible, in the
// files layer), `pith inventory` and `pith audit` as whole processes against `gzip -dc` of the same layers
// (the least any reader must do), with pith's peak RSS (issues 9 and 10 goal: ≤ 1.2× the time of gzip -dc,
// < 200 MiB).
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MiB, peakMiB, pith, pithLine, report, sh, time, timePair } from '../lib.ts';

export async function inventoryCase(work: string): Promise<void> {
  const files = join(work, 'files');
  const yaml = ['archs: [amd64]', 'files:'];
  for (let layer = 0; layer < 4; layer++) {
    await mkdir(join(files, `l${layer}`), { recursive: true });
    for (let i = 0; i < 64; i++) {
      const data = i % 2 ? randomBytes(4 * MiB) : Buffer.alloc(4 * MiB, `layer ${layer} file ${i} `);
      await writeFile(join(files, `l${layer}`, `f${i}`), data);
    }
  }
  yaml.push('  - src: files', '    dst: /data');
  await writeFile(join(work, 'pith.yaml'), `${yaml.join('\n')}\n`);
  const layout = join(work, 'layout');
  await pith(`build '${join(work, 'pith.yaml')}' --no-sbom --output 'oci:${layout}'`);
  const blobs = join(layout, 'blobs', 'sha256');
  const layers = (await readdir(blobs)).map((b) => `'${join(blobs, b)}'`).join(' ');
  // every blob, layers and JSON documents alike, through gzip -dc (JSON is not gzip: `|| true` per blob)
  const [pithTime, peer] = await timePair(
    () => pith(`inventory 'oci:${layout}' --json > /dev/null`),
    () => sh(`for b in ${layers}; do gzip -dc "$b" 2>/dev/null || true; done > /dev/null`),
  );
  const auditTime = await time(() => pith(`audit 'oci:${layout}' --json > /dev/null`));
  const peak = (verb: string) => peakMiB(pithLine(`${verb} 'oci:${layout}' --json`));
  report('inventory: 1 GiB image (256 files of 4 MiB)', 1024 * MiB, pithTime, 'gzip -dc', peer);
  process.stdout.write(`  peak RSS    pith inventory ${(await peak('inventory')).toFixed(0)} MiB\n`);
  report('audit: the same 1 GiB image', 1024 * MiB, auditTime, 'gzip -dc', peer);
  process.stdout.write(`  peak RSS    pith audit ${(await peak('audit')).toFixed(0)} MiB\n`);
  await rm(work, { recursive: true, force: true });
}
