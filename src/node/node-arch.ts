// Debian architecture → the name Node.js gives the same machine in its release file names
// (node-vX-linux-<arch>.tar.gz) and the npm registry's binary packages (node-linux-<arch>). The npm
// packages exist for x64 and arm64 only; the release dist has more. npm's `cpu` fields and prebuilt addons
// use process.arch instead (npmCpu): arm, not armv7l; ppc64, not ppc64le.
import type { Arch } from '../config/index.ts';
import { PithError } from '../util/index.ts';

const DIST: Partial<Record<Arch, string>> = {
  amd64: 'x64',
  arm64: 'arm64',
  armhf: 'armv7l',
  ppc64el: 'ppc64le',
  s390x: 's390x',
};

const NPM = new Set(['x64', 'arm64']);

/** Node.js's name for a Debian architecture, for the chosen source. */
export function nodeArch(arch: Arch, source: 'npm' | 'dist'): string {
  const name = DIST[arch];
  if (!name || (source === 'npm' && !NPM.has(name))) {
    const have = Object.entries(DIST)
      .filter(([, n]) => source === 'dist' || NPM.has(n))
      .map(([a]) => a);
    throw new PithError(
      'input',
      'NODE_ARCH_UNSUPPORTED',
      `Node.js from ${source === 'npm' ? 'the npm registry' : 'a release dist'} has no binary for ${arch} (it has ${have.join(', ')})`,
    );
  }
  return name;
}

/** Node.js's process.arch for a Debian architecture: what npm's `cpu` fields and prebuild directories name. */
const PROCESS_ARCH: Record<Arch, string> = {
  amd64: 'x64',
  arm64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: 'ia32',
  ppc64el: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function npmCpu(arch: Arch): string {
  return PROCESS_ARCH[arch];
}
