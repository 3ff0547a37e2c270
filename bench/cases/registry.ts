// Case 3: push and pull of a 200 MiB image (one layer of four 50 MiB incompressible files) to and from a
// real registry (Debian's docker-registry, distribution 2.8, on 127.0.0.1), against `skopeo copy` of the
// same image in the same run, with peak memory (issue 13 goals: ≤ 1.0x skopeo's time, ≤ 64 MiB). Every run
// uses a new repository, so nothing is skipped as already present.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry } from '../../test/interop/registry-server.ts';
import { MiB, peakMiB, pith, pithLine, report, reportGoal, reportMemory, sh, timePair } from '../lib.ts';

export async function registryCase(work: string): Promise<void> {
  const files = join(work, 'files');
  await mkdir(files, { recursive: true });
  const yaml = ['archs: [amd64]', 'accounts: false', 'files:'];
  for (let i = 0; i < 4; i++) {
    await writeFile(join(files, `blob${i}.bin`), randomBytes(50 * MiB));
    yaml.push(`  - src: files/blob${i}.bin`, `    dst: /data/blob${i}.bin`);
  }
  await writeFile(join(work, 'pith.yaml'), `${yaml.join('\n')}\n`);
  const layout = join(work, 'layout');
  await pith(`build '${join(work, 'pith.yaml')}' --no-sbom --output 'oci:${layout}:bench'`);
  const reg = await startRegistry({});
  try {
    let n = 0;
    // skopeo remembers where blobs are (blob-info-cache) and would mount instead of uploading: forget it
    const forget =
      'rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb"';
    const [pithPush, skopeoPush] = await timePair(
      () => pith(`copy 'oci:${layout}:bench' 'docker://${reg.host}/pith/p${n++}:1'`),
      {
        before: () => sh(forget),
        run: () =>
          sh(
            `skopeo copy -q --dest-tls-verify=false oci:${layout}:bench docker://${reg.host}/skopeo/p${n++}:1`,
          ),
      },
    );
    let m = 0;
    const [pithPull, skopeoPull] = await timePair(
      () => pith(`copy 'docker://${reg.host}/pith/p0:1' 'oci:${join(work, `pull-${m++}`)}:x'`),
      () =>
        sh(
          `skopeo copy -q --src-tls-verify=false docker://${reg.host}/pith/p0:1 oci:${join(work, `skpull-${m++}`)}:x`,
        ),
    );
    const peaks = {
      pithPush: await peakMiB(pithLine(`copy 'oci:${layout}:bench' 'docker://${reg.host}/pith/p${n++}:1'`)),
      skopeoPush: await peakMiB(
        `${forget}; skopeo copy -q --dest-tls-verify=false oci:${layout}:bench docker://${reg.host}/skopeo/p${n++}:1`,
      ),
      pithPull: await peakMiB(
        pithLine(`copy 'docker://${reg.host}/pith/p0:1' 'oci:${join(work, `pull-${m++}`)}:x'`),
      ),
      skopeoPull: await peakMiB(
        `skopeo copy -q --src-tls-verify=false docker://${reg.host}/pith/p0:1 oci:${join(work, `skpull-${m++}`)}:x`,
      ),
    };
    const bytes = 200 * MiB;
    report(
      'registry: push a 200 MiB image (docker-registry on 127.0.0.1)',
      bytes,
      pithPush,
      'skopeo copy',
      skopeoPush,
    );
    reportGoal('1.0x skopeo', pithPush.median, skopeoPush.median, 's');
    reportMemory(peaks.pithPush, 'skopeo', peaks.skopeoPush);
    reportGoal('peak RSS', peaks.pithPush, 64, 'MiB');
    report('registry: pull a 200 MiB image', bytes, pithPull, 'skopeo copy', skopeoPull);
    reportGoal('1.0x skopeo', pithPull.median, skopeoPull.median, 's');
    reportMemory(peaks.pithPull, 'skopeo', peaks.skopeoPull);
    reportGoal('peak RSS', peaks.pithPull, 64, 'MiB');
  } finally {
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}
