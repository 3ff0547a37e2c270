// A Node.js project's package-lock.json (or npm-shrinkwrap.json), lockfileVersion 2 or 3: the packages a
// production install puts in node_modules for a target platform, as `npm ci --omit=dev` would choose them
// (npm's package-lock.json documentation): dev-only packages left out, devOptional kept
// (optional in production), bundled packages left to their parent's tarball, optional packages whose
// os/cpu/libc exclude the target skipped. What npm could not install from the lock alone (git, links,
// missing integrity) is refused, naming the package. A package without `resolved` (npm leaves it out with
// omit-lockfile-registry-resolved) comes from the registry npm is configured with.
import { posix } from 'node:path';
import { PithError } from '../util/index.ts';
import { isIntegrity } from './integrity.ts';

export interface Target {
  /** Node's platform and arch names: linux, x64 / arm64 / …; libc glibc (Debian). */
  os: string;
  cpu: string;
  libc: string;
}

export interface LockPackage {
  /** The lock's key: node_modules/a or node_modules/a/node_modules/@s/b. */
  path: string;
  name: string;
  version: string;
  /** Where the lock says it came from; absent when npm left it out (then: the registry npm is configured with). */
  resolved?: string;
  integrity: string;
  bin?: Record<string, string>;
  hasInstallScript?: boolean;
  optional: boolean;
}

export interface LockPlan {
  install: LockPackage[];
  /** Optional packages left out, with why (platform). */
  skipped: { path: string; why: string }[];
  /** Packages with install scripts (never run). */
  scripts: string[];
}

interface RawEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  inBundle?: boolean;
  link?: boolean;
  extraneous?: boolean;
  os?: string[] | string;
  cpu?: string[] | string;
  libc?: string[] | string;
  bin?: Record<string, string> | string;
  hasInstallScript?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const MAX_PACKAGES = 100_000;

/** Reads a lock's text into the production install for `target`; `file` names it in errors. */
export function productionPackages(text: string, file: string, target: Target): LockPlan {
  const entries = readPackages(text, file);
  const all = new Map(entries);
  const plan: LockPlan = { install: [], skipped: [], scripts: [] };
  const candidates: [string, RawEntry][] = [];
  for (const [path, e] of entries) {
    if (path === '' || !path.startsWith('node_modules/')) continue; // the root and workspace sources
    if (e.extraneous === true || devOnly(e, all) || bundledByParent(path, e)) continue;
    if (path.split('/').some((s) => s === '..' || s === '.'))
      throw new PithError(
        'input',
        'NPM_LOCK_INVALID',
        `${file}: packages["${path}"] is not a path inside the project`,
      );
    const optional = e.optional === true || e.devOptional === true;
    const mismatch = platformMismatch(e, target);
    if (mismatch && optional) {
      plan.skipped.push({ path, why: mismatch });
      continue;
    }
    if (mismatch)
      refuse(`${file}: packages["${path}"] (${nameOf(path, e)})`, `${mismatch}, and it is not optional`);
    candidates.push([path, e]);
  }
  // what only a skipped optional package needed goes with it, as npm drops an optional package's set
  const kept = withoutOrphans(candidates, new Set(plan.skipped.map((x) => x.path)), all, plan);
  for (const [path, e] of kept) {
    const name = nameOf(path, e);
    const where = `${file}: packages["${path}"] (${name})`;
    if (e.link)
      refuse(where, 'is a link to a local directory (workspace); pith installs only registry packages');
    if (e.resolved !== undefined && !/^https?:\/\//.test(e.resolved))
      refuse(where, `is resolved from ${e.resolved}; only registry tarballs (http/https) are installed`);
    if (!e.integrity || !isIntegrity(e.integrity)) refuse(where, 'has no integrity hash to check it against');
    if (!e.version) refuse(where, 'has no version');
    const bin = binMap(name, e.bin);
    plan.install.push({
      path,
      name,
      version: e.version!,
      ...(e.resolved ? { resolved: e.resolved } : {}),
      integrity: e.integrity!,
      ...(bin ? { bin } : {}),
      ...(e.hasInstallScript ? { hasInstallScript: true } : {}),
      optional: e.optional === true || e.devOptional === true,
    });
    if (e.hasInstallScript) plan.scripts.push(`${name}@${e.version}`);
  }
  plan.install.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return plan;
}

function nameOf(path: string, e: RawEntry): string {
  return e.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** Dev-only: flagged dev, or a link whose target entry is (npm flags the target, not the link). */
function devOnly(e: RawEntry, all: ReadonlyMap<string, RawEntry>): boolean {
  if (e.dev === true) return true;
  return e.link === true && e.resolved !== undefined && all.get(e.resolved)?.dev === true;
}

/**
 * Bundled by a package, so its files come in that package's tarball: an inBundle entry below another
 * package's node_modules. The root project's own bundleDependencies are installed like any dependency.
 */
function bundledByParent(path: string, e: RawEntry): boolean {
  return e.inBundle === true && path.lastIndexOf('node_modules/') > 0;
}

/**
 * The candidates still needed once `gone` (skipped optional packages) are out: a package whose every
 * dependent is gone (found as Node.js finds a dependency: the nearest node_modules up the tree) goes too,
 * until nothing changes. The root's direct dependencies always stay.
 */
function withoutOrphans(
  candidates: readonly [string, RawEntry][],
  gone: Set<string>,
  all: ReadonlyMap<string, RawEntry>,
  plan: LockPlan,
): [string, RawEntry][] {
  if (gone.size === 0) return [...candidates];
  const dependents = new Map<string, Set<string>>();
  for (const [from, e] of all) {
    for (const dep of Object.keys({ ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies })) {
      const to = locate(from, dep, all);
      if (to) (dependents.get(to) ?? dependents.set(to, new Set()).get(to)!).add(from);
    }
  }
  let left = [...candidates];
  for (let changed = true; changed; ) {
    changed = false;
    for (const [path] of left) {
      const users = [...(dependents.get(path) ?? [])];
      if (users.length > 0 && users.every((u) => gone.has(u))) {
        gone.add(path);
        plan.skipped.push({ path, why: 'only skipped optional packages need it' });
        changed = true;
      }
    }
    left = left.filter(([p]) => !gone.has(p));
  }
  return left;
}

/** Where `name`, required from the package at `from`, is found: from/node_modules/name, then up the tree. */
function locate(from: string, name: string, all: ReadonlyMap<string, RawEntry>): string | undefined {
  let dir = from;
  for (let i = 0; i < 1000; i++) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (all.has(candidate)) return candidate;
    if (dir === '') return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
  return undefined;
}

/**
 * A package's bins as npm links them (npm-normalize-package-bin): a string bin is named after the unscoped
 * package; a name keeps only its last path part; a target is kept inside the package.
 */
function binMap(name: string, bin: RawEntry['bin']): Record<string, string> | undefined {
  if (bin === undefined) return undefined;
  const raw = typeof bin === 'string' ? { [name]: bin } : bin;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') continue;
    const base = k.split('/').pop()!;
    const target = posix.join('/', v).slice(1);
    if (base && base !== '.' && base !== '..' && target) out[base] = target;
  }
  return Object.keys(out).length ? out : undefined;
}

function readPackages(text: string, file: string): [string, RawEntry][] {
  let doc: { lockfileVersion?: unknown; packages?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (cause) {
    throw new PithError(
      'input',
      'NPM_LOCK_INVALID',
      `${file}: not valid JSON (${(cause as Error).message})`,
      { cause },
    );
  }
  const v = doc?.lockfileVersion;
  if (v !== 2 && v !== 3)
    throw new PithError(
      'input',
      'NPM_LOCK_INVALID',
      `${file}: lockfileVersion ${String(v)} is not read (2 and 3 are, written by npm 7 and later); run npm install --package-lock-only with a current npm`,
    );
  if (typeof doc.packages !== 'object' || doc.packages === null || Array.isArray(doc.packages))
    throw new PithError('input', 'NPM_LOCK_INVALID', `${file}: has no "packages" object`);
  const entries = Object.entries(doc.packages as Record<string, RawEntry>);
  if (entries.length > MAX_PACKAGES)
    throw new PithError(
      'input',
      'NPM_LOCK_INVALID',
      `${file}: lists ${entries.length} packages (at most ${MAX_PACKAGES} are read)`,
    );
  for (const [path, e] of entries) {
    if (typeof e !== 'object' || e === null)
      throw new PithError('input', 'NPM_LOCK_INVALID', `${file}: packages["${path}"] is not an object`);
  }
  return entries;
}

/** Why os/cpu/libc (with npm's "!x" negations) exclude the target, or undefined if they allow it. */
function platformMismatch(e: RawEntry, t: Target): string | undefined {
  for (const [field, want] of [
    ['os', t.os],
    ['cpu', t.cpu],
    ['libc', t.libc],
  ] as const) {
    const list = e[field];
    if (list === undefined) continue;
    const items = (Array.isArray(list) ? list : [list]).filter((x): x is string => typeof x === 'string');
    if (!allows(items, want)) return `its ${field} ${JSON.stringify(items)} excludes ${want}`;
  }
  return undefined;
}

function allows(items: readonly string[], want: string): boolean {
  if (items.includes(`!${want}`)) return false;
  const positive = items.filter((x) => !x.startsWith('!') && x !== 'any');
  return positive.length === 0 || positive.includes(want);
}

function refuse(where: string, why: string): never {
  throw new PithError('input', 'NPM_DEPENDENCY_UNSUPPORTED', `${where} ${why}`);
}
