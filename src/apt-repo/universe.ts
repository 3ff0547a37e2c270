// The packages a resolver can choose from for one architecture: every version from every index given
// (base, -updates, -security), each name's candidates sorted best first by dpkg version order (so the
// security and updates suites win by version, as apt's default pinning does), plus who Provides what.
// Built lazily over its indexes: a name is looked up, merged and sorted only when the resolver asks for it,
// so a warm build reads a compact index (compact-index.ts) without materialising its 60 000 packages.
import type { PackageRecord } from './package-record.ts';
import { parseProvides } from './relations.ts';
import { compareVersions } from './version.ts';

export interface Provider {
  pkg: PackageRecord;
  /** The provided version, when the Provides entry has one (`foo (= 1.0)`). */
  version?: string;
}

/** A read-only name lookup (what the resolver needs of a map). */
export interface NameLookup<T> {
  get(name: string): T | undefined;
  has(name: string): boolean;
  /** Every name with a value (walks every index: for tests and listings, not for resolving). */
  keys(): IterableIterator<string>;
  readonly size: number;
}

export interface Universe {
  readonly arch: string;
  /** name → candidates, best (highest version) first. */
  readonly byName: NameLookup<readonly PackageRecord[]>;
  /** virtual name → providers (best candidates only), sorted by provider name. */
  readonly providers: NameLookup<readonly Provider[]>;
}

/** One index (or any list of records) as a universe reads it. */
export interface IndexSource {
  /** The records of a package name, in index order. */
  named(name: string): readonly PackageRecord[];
  /** The names of packages one of whose records lists `virtual` in Provides. */
  providing(virtual: string): readonly string[];
  /** Every package name, and every virtual name provided. */
  names(): Iterable<string>;
  virtuals(): Iterable<string>;
}

/** Indexes package records of `arch` and `all` (other architectures are ignored). */
export function buildUniverse(records: Iterable<PackageRecord>, arch: string): Universe {
  return universeOf([recordsSource(records)], arch);
}

/** The universe over indexes, in priority order for equal versions (the first index's record wins). */
export function universeOf(sources: readonly IndexSource[], arch: string): Universe {
  const byName = lazyLookup(
    (name) => candidates(sources, name, arch),
    () => sources.flatMap((s) => [...s.names()]),
  );
  // a Provides list can name thousands of virtual packages (Rust's -dev packages): parsed once per record
  const parsed = new WeakMap<PackageRecord, ReturnType<typeof parseProvides>>();
  const providesOf = (r: PackageRecord) => {
    let list = parsed.get(r);
    if (!list) {
      list = parseProvides(r.provides, `${r.origin} ${r.name}`);
      parsed.set(r, list);
    }
    return list;
  };
  const providers = lazyLookup(
    (virtual) => providersOf(sources, byName, virtual, providesOf),
    () => sources.flatMap((s) => [...s.virtuals()]),
  );
  return { arch, byName, providers };
}

/** A name's candidates of `arch` and `all` across the indexes, one per version, best first. */
function candidates(
  sources: readonly IndexSource[],
  name: string,
  arch: string,
): PackageRecord[] | undefined {
  const list: PackageRecord[] = [];
  for (const s of sources)
    for (const r of s.named(name)) {
      if (r.architecture !== arch && r.architecture !== 'all') continue;
      if (!list.some((x) => x.version === r.version)) list.push(r);
    }
  if (list.length === 0) return undefined;
  return list.sort((a, b) => compareVersions(b.version, a.version));
}

/** The best candidates whose Provides list `virtual`, sorted by name (an entry per matching Provides item). */
function providersOf(
  sources: readonly IndexSource[],
  byName: NameLookup<readonly PackageRecord[]>,
  virtual: string,
  providesOf: (r: PackageRecord) => ReturnType<typeof parseProvides>,
): Provider[] | undefined {
  const names = [...new Set(sources.flatMap((s) => s.providing(virtual)))];
  const out: Provider[] = [];
  for (const name of names) {
    const best = byName.get(name)?.[0];
    if (!best?.provides) continue;
    for (const p of providesOf(best))
      if (p.name === virtual)
        out.push(p.version === undefined ? { pkg: best } : { pkg: best, version: p.version });
  }
  if (out.length === 0) return undefined;
  return out.sort((a, b) => (a.pkg.name < b.pkg.name ? -1 : a.pkg.name > b.pkg.name ? 1 : 0));
}

/** A lookup computing each name's value once, on first use. */
function lazyLookup<T>(compute: (name: string) => T | undefined, allNames: () => string[]): NameLookup<T> {
  const memo = new Map<string, T | undefined>();
  const get = (name: string): T | undefined => {
    if (!memo.has(name)) memo.set(name, compute(name));
    return memo.get(name);
  };
  const present = () => [...new Set(allNames())].filter((n) => get(n) !== undefined);
  return {
    get,
    has: (name) => get(name) !== undefined,
    keys: () => present()[Symbol.iterator](),
    get size() {
      return present().length;
    },
  };
}

/** Records held in memory as an index source. */
export function recordsSource(records: Iterable<PackageRecord>): IndexSource {
  const byName = new Map<string, PackageRecord[]>();
  const provided = new Map<string, string[]>();
  for (const r of records) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
    for (const virtual of providedNames(r)) {
      const names = provided.get(virtual);
      if (!names) provided.set(virtual, [r.name]);
      else if (!names.includes(r.name)) names.push(r.name);
    }
  }
  return {
    named: (name) => byName.get(name) ?? [],
    providing: (virtual) => provided.get(virtual) ?? [],
    names: () => byName.keys(),
    virtuals: () => provided.keys(),
  };
}

/**
 * The virtual names a record provides. A malformed Provides is skipped here: it fails (naming the package)
 * when its record is a best candidate the resolver reads, as apt reports it.
 */
export function providedNames(r: PackageRecord): string[] {
  if (!r.provides) return [];
  try {
    return parseProvides(r.provides, `${r.origin} ${r.name}`).map((p) => p.name);
  } catch {
    return [];
  }
}
