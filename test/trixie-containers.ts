// podman and skopeo with sigstore signatures. Debian 12's builds have sigstore support disabled (a
// Debian-local patch: "sigstore disabled"), so the signature interop tests run Debian 13's podman 5 and
// skopeo 1.18 from a trixie root file system made by mmdebstrap from the host's mirror, entered with
// chroot in a private mount namespace (the host's network namespace, so 127.0.0.1 registries answer), and
// the host's runc as runtime (crun cannot run on this kernel's hybrid cgroups). The tree is made once per
// machine (about 40 s) at $TMPDIR/pith-trixie-containers and reused; a partial one is never used.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorsFrom, readAptSources } from '../src/apt-repo/index.ts';
import { type RunResult, run } from './helpers.ts';

export const CONTAINERS_ROOT = join(tmpdir(), 'pith-trixie-containers');
const READY = '.pith-ready';

/** The trixie root with podman and skopeo, made when missing. */
export async function trixieContainers(): Promise<string> {
  if (existsSync(join(CONTAINERS_ROOT, READY))) return CONTAINERS_ROOT;
  const mirrors = mirrorsFrom(await readAptSources());
  if (!mirrors.archive) throw new Error('the host has no Debian mirror in its apt sources');
  const partial = `${CONTAINERS_ROOT}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  const made = await run(
    'mmdebstrap',
    [
      '--quiet',
      '--variant=apt',
      '--include=podman,skopeo,ca-certificates',
      'trixie',
      partial,
      `deb ${mirrors.archive} trixie main`,
    ],
    { timeoutMs: 600_000 },
  );
  if (made.code !== 0) throw new Error(`mmdebstrap: ${made.stderr}`);
  await copyFile('/usr/sbin/runc', join(partial, 'usr/local/sbin/runc'));
  await mkdir(join(partial, 'etc/containers/registries.d'), { recursive: true });
  // sigstore signatures live beside the image in the registry (the .sig tag): containers/image reads and
  // writes them only where registries.d says so
  await writeFile(
    join(partial, 'etc/containers/registries.d/pith-test.yaml'),
    'default-docker:\n  use-sigstore-attachments: true\n',
  );
  await writeFile(join(partial, READY), '');
  await rename(partial, CONTAINERS_ROOT).catch(async () => {
    // another process made it first
    await rm(partial, { recursive: true, force: true });
  });
  return CONTAINERS_ROOT;
}

/** Runs a command inside the root: chroot in a private mount namespace with /proc, /sys and /dev. */
export function inTrixie(root: string, cmd: string[], timeoutMs = 300_000): Promise<RunResult> {
  const script = [
    'set -e',
    'R="$1"; shift',
    'mount --bind "$R" "$R"',
    'mount -t proc proc "$R/proc"',
    'mount --rbind /sys "$R/sys"',
    'mount --rbind /dev "$R/dev"',
    'exec chroot "$R" "$@"',
  ].join('\n');
  return run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', root, ...cmd], {
    timeoutMs,
    env: { ...process.env, PODMAN_IGNORE_CGROUPSV1_WARNING: '1' },
  });
}

/** podman in the root, with its own storage under `store` (a path inside the root). */
export function podman(root: string, store: string, args: string[]): Promise<RunResult> {
  return inTrixie(root, [
    'podman',
    '--root',
    `${store}/root`,
    '--runroot',
    `${store}/run`,
    '--storage-driver',
    'vfs',
    '--cgroup-manager=cgroupfs',
    '--runtime',
    '/usr/local/sbin/runc',
    ...args,
  ]);
}
