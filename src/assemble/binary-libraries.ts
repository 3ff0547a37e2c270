// The Debian packages an image's own ELF files still need: its files, runtime and app layers are searched
// for executables and shared objects (ELF by their first bytes; files with an execute bit, or named *.so* or
// *.node), and ldd.ts looks up each one's interpreter and DT_NEEDED libraries in the image as it stands —
// Debian packages installed, files added — before any Contents index is read. Only what is missing becomes
// a package to add; a dynamic binary is refused naming the soname no package ships. A kept file (the
// Node.js binary, 100+ MiB) is not read whole: the ELF reader reads the few KiB it looks at.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { DebianSession } from '../apt-repo/index.ts';
import type { Arch, PithConfig } from '../config/index.ts';
import { type ByteSource, elfHead, readElf } from '../rootfs/index.ts';
import type { FileTree, TarEntry } from '../tar/index.ts';
import { PithError } from '../util/index.ts';
import { elfMismatch } from './elf-arch.ts';
import { type BinaryFile, type BinaryPackages, packagesForBinaries } from './ldd.ts';
import { isOtherPrebuild } from './native-addons.ts';

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const MAX_BINARY = 1 << 30;

/**
 * The dynamically linked ELF files of `trees` for `arch` (static ones need nothing), with their bytes.
 * Prebuilt addons for other platforms, architectures or musl are never loaded, so they are not looked at
 * (host files and addons of the wrong architecture are refused where they are added).
 */
export async function dynamicElfFiles(trees: readonly FileTree[], arch: Arch): Promise<BinaryFile[]> {
  const out: BinaryFile[] = [];
  for (const tree of trees)
    for (const e of tree.entries()) {
      if (!candidate(e) || (e.path.endsWith('.node') && isOtherPrebuild(e.path, arch))) continue;
      const bytes = await contentOf(e);
      if (!bytes || !elfHead(bytes).subarray(0, 4).equals(ELF_MAGIC) || elfMismatch(elfHead(bytes), arch))
        continue;
      const elf = readElf(bytes);
      if (elf && (elf.interp !== undefined || elf.needed.length > 0)) out.push({ path: `/${e.path}`, bytes });
    }
  return out;
}

function candidate(e: TarEntry): boolean {
  return (
    e.type === 'file' &&
    e.content !== undefined &&
    e.size >= 64 &&
    e.size <= MAX_BINARY &&
    ((e.mode & 0o111) !== 0 || /\.(so(\.[0-9.]+)?|node)$/.test(e.path))
  );
}

async function contentOf(e: TarEntry): Promise<Buffer | ByteSource | undefined> {
  if (e.file) {
    const { file, ...streamed } = e;
    // not there, or not whole: its content stream says why
    return keptFile(file, e.size) ?? contentOf(streamed);
  }
  const chunks: Buffer[] = [];
  let first = true;
  for await (const c of e.content!()) {
    // not ELF: stop after the first piece
    if (first && !c.subarray(0, 4).equals(ELF_MAGIC.subarray(0, Math.min(4, c.length)))) return undefined;
    first = false;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/**
 * A kept file of `size` bytes, read where it is looked at (in pieces of PAGE bytes, each read once), or
 * undefined when it is missing, unreadable or not that long. Each read opens the file: a parse makes a
 * handful. The first page is read now; one that cannot be read later is BINARY_UNREADABLE, naming the file.
 */
function keptFile(path: string, size: number): ByteSource | undefined {
  const pages = new Map<number, Buffer>();
  const page = (n: number): Buffer => {
    let p = pages.get(n);
    if (!p) {
      p = readAt(path, n * PAGE, Math.min(PAGE, size - n * PAGE));
      pages.set(n, p);
    }
    return p;
  };
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size !== size) return undefined;
    page(0);
  } catch {
    return undefined;
  }
  return {
    length: size,
    bytes(at, length) {
      const first = Math.floor(at / PAGE);
      const last = Math.floor((at + length - 1) / PAGE);
      if (first === last) return page(first).subarray(at - first * PAGE, at - first * PAGE + length);
      const parts: Buffer[] = [];
      for (let n = first; n <= last; n++) parts.push(page(n));
      const from = at - first * PAGE;
      return Buffer.concat(parts).subarray(from, from + length);
    },
  };
}

const PAGE = 16 * 1024;

/** Up to `length` bytes at `at` of a file (fewer at its end). */
function readAt(path: string, at: number, length: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    for (let n = -1; got < length && n !== 0; got += n) n = readSync(fd, buf, got, length - got, at + got);
    return buf.subarray(0, got);
  } catch (cause) {
    throw new PithError('io', 'BINARY_UNREADABLE', `cannot read ${path} at byte ${at}`, {
      cause,
      details: { path },
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The packages to add so that `binaries` find their interpreter and libraries: those the image (all of
 * `trees`: packages, files, runtime, app) lacks. Throws MISSING_SONAME / MISSING_INTERPRETER.
 */
export async function libraryPackages(
  session: DebianSession,
  arch: Arch,
  binaries: readonly BinaryFile[],
  trees: readonly FileTree[],
): Promise<BinaryPackages> {
  const have = new Set<string>();
  for (const t of trees) for (const e of t.entries()) have.add(`/${e.path}`);
  const own = new Map(binaries.map((b) => [b.path, b.bytes]));
  return packagesForBinaries(session, arch, binaries, have, { read: async (p) => own.get(p) });
}

/** A config that also resolves `extra` packages (with their dependencies) over its own. */
export function withPackages(c: PithConfig, extra: readonly string[]): PithConfig {
  if (extra.length === 0) return c;
  const exact =
    c.resolve === false ? [...(c.exactPackages ?? []), ...(c.packages ?? [])] : (c.exactPackages ?? []);
  const packages = [...(c.resolve === false ? [] : (c.packages ?? [])), ...extra];
  const { resolve: _, ...rest } = c;
  return {
    ...rest,
    ...(exact.length ? { exactPackages: [...new Set(exact)] } : {}),
    packages: [...new Set(packages)],
  };
}
