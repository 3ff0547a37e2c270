// Debian architecture names (what configs and, later, package indexes use) and their OCI platforms
// (briefs/oci.md §4: armhf → arm/v7, armel → arm/v5, i386 → 386, ppc64el → ppc64le).
import { hostPlatform, type Platform, platformMatches } from '../oci/index.ts';
import { ARCHS, type Arch } from './constants.ts';

const PLATFORMS: Record<Arch, Platform> = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  armhf: { os: 'linux', architecture: 'arm', variant: 'v7' },
  armel: { os: 'linux', architecture: 'arm', variant: 'v5' },
  i386: { os: 'linux', architecture: '386' },
  ppc64el: { os: 'linux', architecture: 'ppc64le' },
  s390x: { os: 'linux', architecture: 's390x' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
};

/** The OCI platform of a Debian architecture. */
export function archPlatform(arch: Arch): Platform {
  return { ...PLATFORMS[arch] };
}

/**
 * The Debian architecture of the machine pith runs on: the one whose platform matches oci's hostPlatform
 * (so `arm` is armhf, arm/v7 by default); amd64 when Node's architecture has no Debian name here.
 */
export function hostArch(nodeArch: string = process.arch): Arch {
  return platformArch(hostPlatform(nodeArch)) ?? 'amd64';
}

/** The Debian architecture whose platform an OCI platform is (`linux/arm/v7` → armhf), if any. */
export function platformArch(platform: Platform): Arch | undefined {
  return ARCHS.find((a) => platformMatches(platform, PLATFORMS[a]));
}
