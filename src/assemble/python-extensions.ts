// Whether a compiled file of a Python dependency (`*.so`) can load in the image. An extension module's
// name carries its ABI tag (importlib.machinery.EXTENSION_SUFFIXES): `.cpython-313-x86_64-linux-gnu.so`
// loads only in CPython 3.13 (not a debug `d` or free-threaded `t` build) on that multiarch triplet,
// `.abi3.so` / `.abi3-TRIPLET.so` in any CPython 3 (the stable ABI), a bare `.so` anywhere; a PyPy tag
// never. Whatever the name, the file must be an ELF shared object for the image's architecture, linked
// against glibc (a musllinux wheel's modules need musl): a wheel built for another platform or Python is the
// usual cause, and CPython would only fail at import time, in production.
import type { Arch } from '../config/index.ts';
import { archSpec, readElf } from '../rootfs/index.ts';
import { elfMismatch } from './elf-arch.ts';
import { foreignKind } from './native-addons.ts';

/** The image's CPython: its minor version (3.X) and architecture. */
export interface PythonAbi {
  minor: number;
  arch: Arch;
}

/** The ABI tag the image's CPython builds extension modules with, e.g. cpython-313-x86_64-linux-gnu. */
export function soabi(abi: PythonAbi): string {
  return `cpython-3${abi.minor}-${archSpec(abi.arch).triplet}`;
}

/** Why the `.so` file at `path` (its bytes given) cannot load in the image; undefined if it can. */
export function extensionProblem(path: string, bytes: Buffer, abi: PythonAbi): string | undefined {
  const byTag = tagProblem(path, abi);
  if (byTag) return byTag;
  const elf = readElf(bytes);
  if (!elf) return `is not an ELF file (built for ${foreignKind(bytes)}), so it cannot load on Linux`;
  const wrong = elfMismatch(bytes, abi.arch);
  if (wrong) return wrong;
  const musl = elf.needed.find((n) => n.startsWith('libc.musl'));
  if (musl) return `is linked against musl (${musl}); the image has glibc: install the manylinux wheel`;
  return undefined;
}

/** What the name's ABI tag says against the image's CPython. */
function tagProblem(path: string, abi: PythonAbi): string | undefined {
  const tag = /\.([^./]+)\.so$/.exec(path)?.[1];
  if (tag === undefined) return undefined;
  const want = soabi(abi);
  const triplet = archSpec(abi.arch).triplet;
  const cpython = /^cpython-(\d)(\d+)([a-z]*)-(.+)$/.exec(tag);
  if (cpython) {
    const [, major, minor, flags, platform] = cpython;
    if (major === '3' && Number(minor) === abi.minor && flags === '' && platform === triplet)
      return undefined;
    return `is an extension module for ${tag}, but the image's Python loads ${want}: install the dependencies for the image's Python and platform`;
  }
  const abi3 = /^abi3(?:-(.+))?$/.exec(tag);
  if (abi3?.[1] !== undefined && abi3[1] !== triplet)
    return `is a stable-ABI extension module for ${abi3[1]}, but the image is ${triplet}`;
  if (/^pypy/.test(tag)) return `is an extension module for PyPy (${tag}); the image runs CPython (${want})`;
  return undefined;
}
