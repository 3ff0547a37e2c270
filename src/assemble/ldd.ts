// What ELF binaries need from Debian to run: the program interpreter (PT_INTERP) and every DT_NEEDED
// library, looked up as ld.so looks: the directories of DT_RUNPATH (or, without one, the DT_RPATH of the
// object and of the objects that loaded it), $ORIGIN expanded, then the architecture's default directories
// /lib/<triplet>, /usr/lib/<triplet>, /lib, /usr/lib. The image's own files are searched first; what the
// image lacks is looked up in the suite's Contents index, which names the Debian package to install (several
// packages shipping one path: the one the Packages index has, then the shortest name; the others are
// recorded). A library the image already has is walked in turn, its own needs being the image's; a library
// from a package is not, as the resolver adds that package's Depends.
import { posix } from 'node:path';
import { type DebianSession, suiteContents, type Universe } from '../apt-repo/index.ts';
import type { Arch } from '../config/index.ts';
import {
  archSpec,
  type ByteSource,
  type ElfInfo,
  ET_DYN,
  ET_EXEC,
  elfHead,
  readElf,
} from '../rootfs/index.ts';
import { compareText, PithError } from '../util/index.ts';
import { elfMismatch } from './elf-arch.ts';

/** A binary to look at: its path in the image (absolute) and its bytes (or where to read them). */
export interface BinaryFile {
  path: string;
  bytes: Buffer | ByteSource;
}

/** Where a file comes from: the image as it is, or a Debian package to add. */
export interface FileSource {
  from: 'image' | 'debian';
  /** The Debian package (from: debian). */
  package?: string;
  /** Its newest version in the suite with -updates and -security (from: debian). */
  version?: string;
  /** Every package the Contents index lists for the path, when there are several: the choice made. */
  candidates?: string[];
}

export interface ResolvedInterpreter extends FileSource {
  binary: string;
  /** PT_INTERP as the binary names it. */
  interpreter: string;
  /** The path it is found at (merged /usr: /lib64/… may be shipped as /usr/lib64/…). */
  path: string;
}

export interface ResolvedLibrary extends FileSource {
  soname: string;
  /** The binary, or library of the image, whose DT_NEEDED names it. */
  neededBy: string;
  /** Where ld.so finds it. */
  path: string;
}

/** Something no search found: a DT_NEEDED soname, or a program interpreter. */
export interface MissingFile {
  what: 'library' | 'interpreter';
  name: string;
  neededBy: string;
  /** The paths looked at, in order. */
  searched: string[];
}

export interface BinaryPackages {
  arch: Arch;
  /** The Debian packages to add, sorted, each once. */
  packages: string[];
  interpreters: ResolvedInterpreter[];
  libraries: ResolvedLibrary[];
  /** Binaries with neither an interpreter nor DT_NEEDED: they need nothing. */
  static: string[];
  /** Empty unless `allowMissing` (else they are a MISSING_SONAME or MISSING_INTERPRETER error). */
  missing: MissingFile[];
}

export interface BinaryPackagesOptions {
  /**
   * Reads a file of the image (absolute path; following symlinks is the reader's business), so that the
   * libraries found in the image are walked too. Without it, their own needs are not looked at.
   */
  read?: (path: string) => Promise<Buffer | ByteSource | undefined>;
  /** Lists what is not found in `missing` instead of throwing. */
  allowMissing?: boolean;
}

/** A loaded object: what its DT_NEEDED are searched with. */
interface Loaded {
  path: string;
  elf: ElfInfo;
  loader?: Loaded;
}

/**
 * The Debian packages that `binaries` need for `arch` (interpreter and DT_NEEDED libraries), given the
 * files the image already has (`have`, absolute paths). Throws WRONG_ARCHITECTURE for a binary of another
 * architecture, NOT_ELF for a file that is not an ELF executable or shared object, MISSING_SONAME (or
 * MISSING_INTERPRETER) when something is in neither the image nor any package.
 */
export async function packagesForBinaries(
  session: DebianSession,
  arch: Arch,
  binaries: readonly BinaryFile[],
  have: ReadonlySet<string>,
  opts: BinaryPackagesOptions = {},
): Promise<BinaryPackages> {
  const search = new Search(session, arch, have, opts);
  const out: BinaryPackages = {
    arch,
    packages: [],
    interpreters: [],
    libraries: [],
    static: [],
    missing: [],
  };
  for (const binary of binaries) {
    const elf = checkedElf(binary, arch);
    if (elf.interp === undefined && elf.needed.length === 0) {
      out.static.push(binary.path);
      continue;
    }
    if (elf.interp !== undefined) {
      const found = await search.interpreter(binary.path, elf.interp);
      if ('searched' in found) out.missing.push(found);
      else out.interpreters.push(found);
    }
    await search.libraries({ path: binary.path, elf }, out);
  }
  const chosen = [...out.interpreters, ...out.libraries].map((f) => f.package);
  out.packages = [...new Set(chosen.filter((p) => p !== undefined))].sort(compareText);
  if (out.missing.length && !opts.allowMissing) throw missingError(out.missing, session.suite, arch);
  return out;
}

/** The binary's ELF information, if it is an executable or shared object for `arch`. */
function checkedElf(binary: BinaryFile, arch: Arch): ElfInfo {
  const elf = readElf(binary.bytes);
  if (!elf || elf.truncated || (elf.type !== ET_EXEC && elf.type !== ET_DYN))
    throw new PithError(
      'input',
      'NOT_ELF',
      `${binary.path}: not an ELF executable or shared object${elf?.truncated ? ' (truncated)' : ''}`,
      { details: { path: binary.path } },
    );
  const why = elfMismatch(elfHead(binary.bytes), arch);
  if (why)
    throw new PithError('input', 'WRONG_ARCHITECTURE', `${binary.path} ${why}`, {
      details: { path: binary.path, arch },
    });
  return elf;
}

/** The search of one call: the image's files, the suite's Contents and Packages (read when first needed). */
class Search {
  readonly #session: DebianSession;
  readonly #arch: Arch;
  readonly #have: ReadonlySet<string>;
  readonly #opts: BinaryPackagesOptions;
  readonly #defaultDirs: string[];
  #universe: Promise<Universe> | undefined;

  constructor(session: DebianSession, arch: Arch, have: ReadonlySet<string>, opts: BinaryPackagesOptions) {
    this.#session = session;
    this.#arch = arch;
    this.#have = new Set([...have].map(absolute));
    this.#opts = opts;
    const triplet = archSpec(arch).triplet;
    this.#defaultDirs = [`/lib/${triplet}`, `/usr/lib/${triplet}`, '/lib', '/usr/lib'];
  }

  async interpreter(binary: string, interp: string): Promise<ResolvedInterpreter | MissingFile> {
    const paths = [...new Set([interp, usrAlias(interp)])];
    const inImage = paths.find((p) => this.#have.has(p));
    if (inImage) return { binary, interpreter: interp, path: inImage, from: 'image' };
    const found = await this.#fromDebian(paths);
    if (!found) return { what: 'interpreter', name: interp, neededBy: binary, searched: paths };
    return { binary, interpreter: interp, ...found };
  }

  /** Every DT_NEEDED of `root`, and of the image's libraries it loads, each soname once. */
  async libraries(root: Loaded, out: BinaryPackages): Promise<void> {
    const seen = new Set<string>();
    const queue: { soname: string; loader: Loaded }[] = root.elf.needed.map((soname) => ({
      soname,
      loader: root,
    }));
    for (let item = queue.shift(); item; item = queue.shift()) {
      const { soname, loader } = item;
      if (seen.has(soname)) continue;
      seen.add(soname);
      const paths = soname.includes('/')
        ? [soname].filter((p) => p.startsWith('/'))
        : [...runpathDirs(loader, this.#arch), ...this.#defaultDirs].map((d) => `${d}/${soname}`);
      const inImage = paths.find((p) => this.#have.has(p));
      if (inImage) {
        out.libraries.push({ soname, neededBy: loader.path, path: inImage, from: 'image' });
        const lib = await this.#readImage(inImage);
        if (lib)
          queue.push(...lib.needed.map((n) => ({ soname: n, loader: { path: inImage, elf: lib, loader } })));
        continue;
      }
      const found = await this.#fromDebian(paths);
      if (found) out.libraries.push({ soname, neededBy: loader.path, ...found });
      else out.missing.push({ what: 'library', name: soname, neededBy: loader.path, searched: paths });
    }
  }

  async #readImage(path: string): Promise<ElfInfo | undefined> {
    const bytes = await this.#opts.read?.(path);
    return bytes ? readElf(bytes) : undefined;
  }

  /** The first of `paths` a package ships, and the package chosen. */
  async #fromDebian(paths: readonly string[]): Promise<(FileSource & { path: string }) | undefined> {
    const hit = await suiteContents(this.#session, this.#arch).find(paths.map((p) => p.slice(1)));
    if (!hit) return undefined;
    this.#universe ??= this.#session.universe(this.#arch);
    return { path: `/${hit.path}`, ...choosePackage(hit.packages, await this.#universe) };
  }
}

/**
 * Of the packages shipping one path: those the Packages index has for the arch (Contents may name packages
 * of other suites or removed ones), then the shortest name (libfoo1 before libfoo1-dbg-like variants), then
 * the first in byte order.
 */
export function choosePackage(candidates: readonly string[], universe: Universe): FileSource {
  const known = candidates.filter((name) => universe.byName.has(name));
  const pool = (known.length ? known : [...candidates]).sort(
    (a, b) => a.length - b.length || compareText(a, b),
  );
  const name = pool[0]!;
  const version = universe.byName.get(name)?.[0]?.version;
  return {
    from: 'debian',
    package: name,
    ...(version ? { version } : {}),
    ...(candidates.length > 1 ? { candidates: [...candidates].sort(compareText) } : {}),
  };
}

/**
 * The directories DT_RUNPATH lists, or, when the object has none, the DT_RPATH of the object and of each
 * object that loaded it (one with DT_RUNPATH contributes no DT_RPATH), in glibc's order.
 */
function runpathDirs(object: Loaded, arch: Arch): string[] {
  if (object.elf.runpath !== undefined) return expand(object.elf.runpath, object.path, arch);
  const dirs: string[] = [];
  for (let o: Loaded | undefined = object; o; o = o.loader)
    if (o.elf.runpath === undefined && o.elf.rpath !== undefined)
      dirs.push(...expand(o.elf.rpath, o.path, arch));
  return dirs;
}

/**
 * A colon-separated path list with $ORIGIN (the directory of the object) and $LIB (lib/<triplet> on Debian)
 * expanded; entries that are empty, relative or name another token ($PLATFORM) are left out.
 */
function expand(list: string, objectPath: string, arch: Arch): string[] {
  const origin = objectPath.slice(0, objectPath.lastIndexOf('/')) || '/';
  const lib = `lib/${archSpec(arch).triplet}`;
  const out: string[] = [];
  for (const raw of list.split(':')) {
    const dir = raw.replace(/\$(?:\{ORIGIN\}|ORIGIN\b)/g, origin).replace(/\$(?:\{LIB\}|LIB\b)/g, lib);
    if (!dir.startsWith('/') || dir.includes('$')) continue;
    out.push(normalize(dir));
  }
  return out;
}

/** `/a/./b/../c/` → `/a/c` (lexically, as the directory strings are compared, never resolved). */
function normalize(path: string): string {
  return posix.normalize(path).replace(/(.)\/$/, '$1');
}

function absolute(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** The other spelling of a path under merged /usr: /lib64/x ↔ /usr/lib64/x (only for /lib*, /bin, /sbin). */
function usrAlias(path: string): string {
  if (path.startsWith('/usr/')) return path.slice(4);
  return /^\/(lib|lib32|lib64|libx32|bin|sbin)\//.test(path) ? `/usr${path}` : path;
}

function missingError(missing: readonly MissingFile[], suite: string, arch: Arch): PithError {
  const libraries = missing.filter((m) => m.what === 'library');
  const list = (libraries.length ? libraries : missing)
    .map((m) => `${m.name} (needed by ${m.neededBy})`)
    .join(', ');
  const where = `neither in the image nor in any package of ${suite} for ${arch}`;
  return libraries.length
    ? new PithError('input', 'MISSING_SONAME', `no library ${list}: ${where}`, { details: { missing } })
    : new PithError('input', 'MISSING_INTERPRETER', `no program interpreter ${list}: ${where}`, {
        details: { missing },
      });
}
