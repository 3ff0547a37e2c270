// Resolves requested packages to a closed, deterministic set: Pre-Depends and Depends with alternatives,
// version constraints, architecture restrictions and qualifiers, and virtual packages through Provides.
// Choices are apt's simple ones, made the same way every time: an alternative already chosen wins, else
// the first alternative that can be satisfied, real packages before virtual ones, providers by name. Every
// chosen package records why (`pith why`); an unsatisfiable relation fails with the chain that led to it.
// Explicit excludes cut dependencies that exist only for maintainer scripts (debconf, awk…), which pith
// never runs: a set of alternatives that names an excluded package counts as satisfied (so excluding
// debconf also drops `debconf | debconf-2.0`).
import { PithError } from '../util/index.ts';
import { archMatches } from './arch.ts';
import type { PackageRecord } from './package-record.ts';
import { type Alternatives, formatRelation, parseRelations, type Relation } from './relations.ts';
import type { Universe } from './universe.ts';
import { satisfies } from './version.ts';

export interface Reason {
  /** The package whose relation pulled this one in; undefined for a requested package. */
  requiredBy?: string;
  /** The relation as written, e.g. `libc6 (>= 2.38)` or `debconf (>= 0.5) | debconf-2.0`. */
  relation: string;
  field: 'requested' | 'Depends' | 'Pre-Depends';
}

export interface Resolution {
  arch: string;
  /** Chosen packages, sorted by name. */
  packages: PackageRecord[];
  reasons: ReadonlyMap<string, Reason>;
  /** Dependencies not installed because they are excluded, with what asked for them. */
  excluded: ReadonlyMap<string, Reason>;
}

export interface ResolveRequest {
  /** Package names, optionally with a constraint: `libc6`, `libssl3t64 (>= 3.0)`. */
  packages: readonly string[];
  exclude?: readonly string[];
  /** Packages already installed as they are (their dependencies are not followed); they satisfy relations. */
  installed?: readonly PackageRecord[];
}

/** Resolves a request against a universe. */
export function resolve(u: Universe, req: ResolveRequest): Resolution {
  return new Resolver(u, new Set(req.exclude ?? []), req.installed ?? []).run(req.packages);
}

/** The chain of reasons from a package up to what was requested: `["libc6 ← libssl3t64 (Depends …)", …]`. */
export function whyChain(res: Resolution, name: string): Reason[] {
  const chain: Reason[] = [];
  const seen = new Set<string>();
  let at: string | undefined = name;
  while (at !== undefined && !seen.has(at)) {
    seen.add(at);
    const r: Reason | undefined = res.reasons.get(at) ?? res.excluded.get(at);
    if (!r) break;
    chain.push(r);
    at = r.requiredBy;
  }
  return chain;
}

class Resolver {
  readonly #u: Universe;
  readonly #exclude: Set<string>;
  readonly #chosen = new Map<string, PackageRecord>();
  readonly #reasons = new Map<string, Reason>();
  readonly #excluded = new Map<string, Reason>();

  constructor(u: Universe, exclude: Set<string>, installed: readonly PackageRecord[]) {
    this.#u = u;
    this.#exclude = exclude;
    for (const p of installed) {
      this.#chosen.set(p.name, p);
      this.#reasons.set(p.name, { relation: p.name, field: 'requested' });
    }
  }

  run(requested: readonly string[]): Resolution {
    const queue: PackageRecord[] = [];
    for (const text of requested) {
      for (const alts of parseRelations(text, `package "${text}"`)) {
        const pkg = this.#satisfy(alts, { relation: text, field: 'requested' });
        if (pkg) queue.push(pkg);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const pkg = queue[i]!;
      for (const field of ['Pre-Depends', 'Depends'] as const) {
        const text = field === 'Depends' ? pkg.depends : pkg.preDepends;
        if (!text) continue;
        for (const alts of parseRelations(text, `${pkg.origin} ${pkg.name} ${field}`)) {
          const live = alts.filter((r) => !r.archs || archMatches(r.archs, this.#u.arch));
          if (live.length === 0) continue;
          const next = this.#satisfy(live, {
            requiredBy: pkg.name,
            relation: live.map(formatRelation).join(' | '),
            field,
          });
          if (next) queue.push(next);
        }
      }
    }
    const packages = [...this.#chosen.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    return { arch: this.#u.arch, packages, reasons: this.#reasons, excluded: this.#excluded };
  }

  /** Satisfies one set of alternatives; returns a newly chosen package (to walk), or undefined. */
  #satisfy(alts: Alternatives, reason: Reason): PackageRecord | undefined {
    if (alts.some((r) => this.#alreadySatisfied(r))) return undefined;
    const excluded = alts.find((r) => this.#exclude.has(r.name));
    if (excluded) {
      if (!this.#excluded.has(excluded.name)) this.#excluded.set(excluded.name, reason);
      return undefined;
    }
    for (const r of alts) {
      const pkg = this.#candidate(r);
      if (!pkg) continue;
      // Already chosen at a version this relation does not accept: try the next alternative.
      if (this.#chosen.has(pkg.name)) continue;
      this.#chosen.set(pkg.name, pkg);
      this.#reasons.set(pkg.name, reason);
      return pkg;
    }
    throw this.#unsatisfiable(alts, reason);
  }

  #alreadySatisfied(r: Relation): boolean {
    const held = this.#chosen.get(r.name);
    if (held && versionOk(held.version, r)) return true;
    return (this.#u.providers.get(r.name) ?? []).some(
      (p) => this.#chosen.get(p.pkg.name) === p.pkg && providedOk(p.version, r),
    );
  }

  /** The best real package satisfying a relation, else the first provider that does. */
  #candidate(r: Relation): PackageRecord | undefined {
    const real = (this.#u.byName.get(r.name) ?? []).find((p) => versionOk(p.version, r));
    if (real) return real;
    return (this.#u.providers.get(r.name) ?? []).find(
      (p) => providedOk(p.version, r) && !this.#exclude.has(p.pkg.name),
    )?.pkg;
  }

  #unsatisfiable(alts: Alternatives, reason: Reason): PithError {
    const upstream = reason.requiredBy === undefined ? [] : whyChain(this.#snapshot(), reason.requiredBy);
    const chain = [reason, ...upstream].map((c) =>
      c.requiredBy ? `${c.requiredBy} (${c.field}: ${c.relation})` : `requested "${c.relation}"`,
    );
    const have = alts
      .map((r) => `${r.name}: ${describeAvailable(this.#u, r.name, this.#chosen.get(r.name))}`)
      .join('; ');
    return new PithError(
      'input',
      'UNSATISFIABLE',
      `cannot satisfy ${reason.relation} for ${this.#u.arch} (${have})\n  needed by ${chain.join('\n  ← ')}`,
      {
        details: { relation: reason.relation, arch: this.#u.arch, chain },
      },
    );
  }

  #snapshot(): Resolution {
    return { arch: this.#u.arch, packages: [], reasons: this.#reasons, excluded: this.#excluded };
  }
}

function versionOk(version: string, r: Relation): boolean {
  return !r.op || !r.version || satisfies(version, r.op, r.version);
}

/** A versioned relation is satisfied by a provider only if the Provides entry carries a matching version. */
function providedOk(provided: string | undefined, r: Relation): boolean {
  if (!r.op || !r.version) return true;
  return provided !== undefined && satisfies(provided, r.op, r.version);
}

function describeAvailable(u: Universe, name: string, chosen: PackageRecord | undefined): string {
  if (chosen) return `${chosen.version} is already chosen`;
  const versions = (u.byName.get(name) ?? []).map((p) => p.version);
  const providers = (u.providers.get(name) ?? []).map((p) => p.pkg.name);
  if (versions.length) return `versions ${versions.join(', ')}`;
  if (providers.length) return `provided by ${providers.join(', ')}`;
  return 'no such package';
}
