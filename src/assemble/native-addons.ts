// Whether a Node.js native addon (a `.node` file) can load in the image: an ELF shared object for the
// image's architecture, linked against glibc (Debian's libc), not musl. Prebuilt addons for several
// platforms are normal (node-gyp-build's prebuilds/<platform>-<arch>/, *.musl.node): a file in a directory
// that names another platform or architecture, or named for musl there, is one of those and is not loaded
// on this one, so it is not checked.
import type { Arch } from '../config/index.ts';
import { npmCpu } from '../node/index.ts';
import { readElf } from '../rootfs/index.ts';
import { elfMismatch } from './elf-arch.ts';

const PLATFORM_DIR = /^(linux|darwin|win32|android|freebsd|openbsd|netbsd|sunos|aix)[-_]/;

/** Why the addon at `path` (its bytes given) cannot load on `arch`; undefined if it can or is not used. */
export function nativeAddonProblem(path: string, bytes: Buffer, arch: Arch): string | undefined {
  if (isOtherPrebuild(path, arch)) return undefined;
  const elf = readElf(bytes);
  if (!elf)
    return `is a native addon but not an ELF file (built for ${foreignKind(bytes)}), so it cannot load on Linux`;
  const wrong = elfMismatch(bytes, arch);
  if (wrong) return `(a native addon) ${wrong}`;
  const musl = elf.needed.find((n) => n.startsWith('libc.musl'));
  if (musl)
    return `(a native addon) is linked against musl (${musl}); the image has glibc: use its glibc build`;
  return undefined;
}

/** Whether `path` is a prebuilt addon for another platform, arch or libc, which the image never loads. */
export function isOtherPrebuild(path: string, arch: Arch): boolean {
  const segments = path.split('/');
  const file = segments.pop()!;
  const want = `linux-${npmCpu(arch)}`;
  const ours = (s: string) => s === want || s.startsWith(`${want}-`) || s.startsWith(`${want}_`);
  const platformDirs = segments.filter((s) => PLATFORM_DIR.test(s));
  if (platformDirs.some((s) => s.includes('musl') || !ours(s))) return true;
  return platformDirs.length > 0 && file.includes('musl');
}

/** What a non-ELF binary was built for, from its magic number: macOS (Mach-O), Windows (PE) or unknown. */
export function foreignKind(b: Buffer): string {
  const magic = b.length >= 4 ? b.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'macOS (Mach-O)';
  if (b.length >= 2 && b[0] === 0x4d && b[1] === 0x5a) return 'Windows (PE)';
  return 'an unknown format';
}
