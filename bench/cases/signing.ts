// Case 6: signing an image already in a registry, and verifying it, against Debian 13's skopeo (the
// sigstore-enabled build, run in the trixie root test/trixie-containers.ts makes): `pith sign --key`
// (a bundle referrer and the legacy .sig tag) vs `skopeo copy --sign-by-sigstore-private-key` of the image
// onto itself (the .sig tag only); `pith verify --key` vs `skopeo copy --policy` (sigstoreSigned) of it to
// a layout. The image is `static` (about 1 MiB); each signing run gets its own repository.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { startRegistry } from '../../test/interop/registry-server.ts';
import { CONTAINERS_ROOT, trixieContainers } from '../../test/trixie-containers.ts';
import { PITH, pith, report, sh, time } from '../lib.ts';

export async function signingCase(_work: string): Promise<void> {
  const root = await trixieContainers();
  const work = await mkdtemp(join(CONTAINERS_ROOT, 'tmp', 'pith-bench-'));
  const inside = `/tmp/${basename(work)}`;
  process.env['PITH_PASSWORD'] = 'bench';
  const reg = await startRegistry({});
  const chroot = (cmd: string) =>
    sh(
      `unshare --mount --propagation private sh -c 'mount --bind "$0" "$0" && mount -t proc proc "$0/proc" && exec chroot "$0" sh -c "$1"' '${root}' '${cmd}'`,
    );
  try {
    await sh(`${PITH} keygen '${join(work, 'k')}' >/dev/null`);
    await writeFile(join(work, 'pass'), 'bench');
    await writeFile(
      join(work, 'policy.json'),
      JSON.stringify({
        default: [{ type: 'reject' }],
        transports: {
          docker: { [reg.host]: [{ type: 'sigstoreSigned', keyPath: `${inside}/k.pub` }] },
          oci: { '': [{ type: 'insecureAcceptAnything' }] },
        },
      }),
    );
    const layout = join(work, 'layout');
    await pith(`build --preset static --no-sbom --output 'oci:${layout}:x'`);
    for (let i = 0; i < 8; i++) await pith(`copy 'oci:${layout}:x' 'docker://${reg.host}/r${i}:1'`);
    let p = 0;
    const pithSign = await time(() =>
      pith(`sign 'docker://${reg.host}/r${p++}:1' --key '${join(work, 'k.key')}'`),
    );
    let s = 4;
    const skopeoSign = await time(() =>
      chroot(
        `skopeo copy -q --src-tls-verify=false --dest-tls-verify=false --sign-by-sigstore-private-key ${inside}/k.key --sign-passphrase-file ${inside}/pass docker://${reg.host}/r${s}:1 docker://${reg.host}/r${s++}:1`,
      ),
    );
    const pithVerify = await time(() =>
      pith(`verify 'docker://${reg.host}/r0:1' --key '${join(work, 'k.pub')}'`),
    );
    let v = 0;
    const skopeoVerify = await time(() =>
      chroot(
        `skopeo copy -q --policy ${inside}/policy.json --remove-signatures --src-tls-verify=false docker://${reg.host}/r4:1 oci:${inside}/v${v++}:x`,
      ),
    );
    report(
      'signing: sign a 1 MiB image in a registry (pith: bundle + .sig; skopeo: .sig)',
      0,
      pithSign,
      'skopeo copy',
      skopeoSign,
    );
    report('signing: verify it with the public key', 0, pithVerify, 'skopeo copy', skopeoVerify);
  } finally {
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}
