// The suite's Contents indices (dists/SUITE/COMPONENT/Contents-ARCH.gz and Contents-all.gz): which packages
// ship a file. Each is listed in the signed Release and fetched like a Packages index (by hash, checked
// against its SHA256, through the same cache), then streamed through zlib line by line and reduced to the
// shared objects under the library directories (lib/, usr/lib/, lib64/, usr/lib64/ and the directories
// below them): a path → package names map small enough to keep, from a file of about 170 MB.
//
// A line is `PATH<whitespace>LOCATION[,LOCATION…]`, PATH without a leading slash (it may contain spaces),
// each LOCATION `[AREA/]SECTION/PACKAGE` (Debian wiki, RepositoryFormat, "Contents indices"; dak writes
// `%-55s %s`). Old archives put a free-text header before a `FILE  LOCATION` line: it names no library path,
// so the filter below skips it like any other line.
import { gunzip } from '../compress/index.ts';
import { PithError } from '../util/index.ts';
import type { Release } from './release.ts';
import type { DebianSession } from './session.ts';
import { type ClientOptions, type SuiteRef, suiteUrl, verifiedDownload } from './suite-client.ts';

/** Path (no leading slash) → the packages that ship it, for shared objects under the library directories. */
export type LibraryContents = Map<string, string[]>;

/** The directories whose shared objects are kept (and every directory below them). */
export const LIBRARY_ROOTS = ['lib/', 'usr/lib/', 'lib64/', 'usr/lib64/'] as const;

const ROOT_BYTES = LIBRARY_ROOTS.map((r) => Buffer.from(r));
const SO = Buffer.from('.so');
const NEWLINE = 0x0a;

/** Whether a Contents path is kept: under a library directory, with ".so" in its file name. */
export function isLibraryPath(path: string): boolean {
  return (
    LIBRARY_ROOTS.some((r) => path.startsWith(r)) && path.slice(path.lastIndexOf('/') + 1).includes('.so')
  );
}

/**
 * Reads decompressed Contents text, chunk by chunk, into `into` (merging: a path several indexes list gets
 * the union of their packages). Only lines holding ".so" are looked at: the scan jumps from one occurrence
 * to the next with Buffer.indexOf, and decodes a line only when it starts with a library root.
 */
export async function parseLibraryContents(
  chunks: AsyncIterable<Buffer>,
  into: LibraryContents = new Map(),
): Promise<LibraryContents> {
  const names = new Map<string, string>(); // one string per package name, however many paths name it
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    const complete = data.lastIndexOf(NEWLINE) + 1; // whole lines only; the tail waits for the next chunk
    scanLines(data, complete, into, names);
    rest = Buffer.from(data.subarray(complete)); // a copy: the chunk itself is not kept
  }
  if (rest.length) scanLines(Buffer.concat([rest, Buffer.of(NEWLINE)]), rest.length + 1, into, names);
  return into;
}

/** Adds the library lines among data[0, end) (which ends with a newline, or is empty). */
function scanLines(data: Buffer, end: number, into: LibraryContents, names: Map<string, string>): void {
  for (let so = data.indexOf(SO); so >= 0 && so < end; ) {
    const start = data.lastIndexOf(NEWLINE, so) + 1;
    const stop = data.indexOf(NEWLINE, so);
    if (startsWithRoot(data, start, stop)) addLine(into, names, data.toString('utf8', start, stop));
    so = data.indexOf(SO, stop + 1);
  }
}

function startsWithRoot(data: Buffer, start: number, end: number): boolean {
  return ROOT_BYTES.some(
    (r) => end - start > r.length && data.compare(r, 0, r.length, start, start + r.length) === 0,
  );
}

function addLine(into: LibraryContents, names: Map<string, string>, line: string): void {
  const text = line.trimEnd();
  const cut = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\t'));
  if (cut <= 0) return;
  const path = text.slice(0, cut).trimEnd();
  if (!isLibraryPath(path)) return;
  const list = into.get(path) ?? [];
  for (const location of text.slice(cut + 1).split(',')) {
    const name = location.slice(location.lastIndexOf('/') + 1);
    if (name === '' || list.includes(name)) continue;
    let interned = names.get(name);
    if (interned === undefined) {
      interned = name;
      names.set(name, name);
    }
    list.push(interned);
  }
  if (list.length) into.set(path, list);
}

/**
 * The library paths of one Contents file of a suite (`arch` may be `all`), verified against the Release;
 * undefined when the Release lists no such file (older suites, or a component a suite lacks).
 */
export async function fetchLibraryContents(
  ref: SuiteRef,
  release: Release,
  component: string,
  arch: string,
  opts: ClientOptions,
  into: LibraryContents = new Map(),
): Promise<LibraryContents | undefined> {
  const entry = release.files.get(`${component}/Contents-${arch}.gz`);
  if (!entry) return undefined;
  const where = `${suiteUrl(ref)}/${entry.path}`;
  const bytes = await verifiedDownload(ref, release, component, entry, opts, where);
  try {
    return await parseLibraryContents(gunzip(bytes), into);
  } catch (cause) {
    throw new PithError('invalid', 'BAD_CONTENTS', `${where}: not a readable gzip Contents index`, { cause });
  }
}

/** Where a path was found, and who ships it. */
export interface ContentsHit {
  /** The path as the Contents index spells it (no leading slash). */
  path: string;
  packages: readonly string[];
}

/**
 * The library files of a session's suites (the suite, -updates and -security, the session's components) for
 * one architecture: the Contents-ARCH indexes, read once; the Contents-all indexes (architecture-independent
 * packages, which rarely ship shared objects) read only when a path is not found in those.
 */
export class SuiteContents {
  readonly #session: DebianSession;
  readonly #arch: string;
  #byArch: Promise<LibraryContents> | undefined;
  #all: Promise<LibraryContents> | undefined;

  constructor(session: DebianSession, arch: string) {
    this.#session = session;
    this.#arch = arch;
  }

  /** The first of `paths` (no leading slash) a package ships, in the order given; undefined if none. */
  async find(paths: readonly string[]): Promise<ContentsHit | undefined> {
    this.#byArch ??= this.#load(this.#arch);
    const hit = firstHit(await this.#byArch, paths);
    if (hit) return hit;
    this.#all ??= this.#load('all');
    return firstHit(await this.#all, paths);
  }

  async #load(arch: string): Promise<LibraryContents> {
    const session = this.#session;
    const opts: ClientOptions = {
      keys: () => session.keys(),
      cache: session.cache,
      offline: session.offline,
      network: session.network,
    };
    const into: LibraryContents = new Map();
    for (const ref of await session.suites()) {
      const release = await session.release(ref);
      for (const component of session.components) {
        if (ref.suite !== session.suite && !release.components.includes(component)) continue;
        session.emit({
          type: 'phase',
          phase: 'read-contents',
          item: `${ref.suite} ${component}/Contents-${arch}`,
        });
        const read = await fetchLibraryContents(ref, release, component, arch, opts, into);
        // the suite itself must publish its Contents-ARCH; -updates, -security and Contents-all may lack one
        if (!read && ref.suite === session.suite && arch === this.#arch)
          throw noContents(ref, release, component, arch);
      }
    }
    return into;
  }
}

function firstHit(map: LibraryContents, paths: readonly string[]): ContentsHit | undefined {
  for (const path of paths) {
    const packages = map.get(path);
    if (packages) return { path, packages };
  }
  return undefined;
}

function noContents(ref: SuiteRef, release: Release, component: string, arch: string): PithError {
  return new PithError(
    'input',
    'NO_CONTENTS_INDEX',
    `${suiteUrl(ref)}: its Release lists no ${component}/Contents-${arch}.gz, so the packages that ship a library cannot be looked up (architectures: ${release.architectures.join(' ')})`,
  );
}

const perSession = new WeakMap<DebianSession, Map<string, SuiteContents>>();

/** The session's SuiteContents for an architecture (one per session and arch, so each index is read once). */
export function suiteContents(session: DebianSession, arch: string): SuiteContents {
  let byArch = perSession.get(session);
  if (!byArch) {
    byArch = new Map();
    perSession.set(session, byArch);
  }
  let contents = byArch.get(arch);
  if (!contents) {
    contents = new SuiteContents(session, arch);
    byArch.set(arch, contents);
  }
  return contents;
}
