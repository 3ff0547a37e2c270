// Debian architecture → the name Node.js gives the same machine in its release file names
// (node-vX-linux-<arch>.tar.gz) and the npm registry's binary packages (node-linux-<arch>). The npm
// packages exist for x64 and arm64 only; the release dist has more.
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
