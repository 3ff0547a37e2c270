// The dependency graph of installed npm packages, as Node would resolve it: each package's declared
// `dependencies` and `optionalDependencies` (from its package.json) looked up from its own directory
// upwards — DIR/node_modules/NAME, then each ancestor's node_modules — the first installed one winning.
// The edges are manifest paths, so an SBOM can link the exact copies a tree holds (npm installs several
// versions of one name at different depths). A dependency not installed (an optional one skipped) has no edge.
import type { LanguagePackage } from './types.ts';

/** Sets `dependsOn` (manifest paths, sorted) on every npm package that requires installed ones. */
export function linkNpmDependencies(packages: LanguagePackage[]): void {
  const byManifest = new Map(packages.filter((p) => p.type === 'npm').map((p) => [p.path, p]));
  for (const pkg of byManifest.values()) {
    if (!pkg.requires?.length) continue;
    const dir = pkg.path.slice(0, -'/package.json'.length);
    const found = new Set<string>();
    for (const name of pkg.requires) {
      const hit = resolveFrom(dir, name, byManifest);
      if (hit && hit !== pkg.path) found.add(hit);
    }
    if (found.size) pkg.dependsOn = [...found].sort();
  }
}

function resolveFrom(
  dir: string,
  name: string,
  installed: ReadonlyMap<string, LanguagePackage>,
): string | undefined {
  let at = dir;
  for (let depth = 0; depth < 256; depth++) {
    const cut = at.lastIndexOf('/');
    const last = at.slice(cut + 1);
    const parent = cut < 0 ? '' : at.slice(0, cut);
    // a node_modules directory (or a scope inside one) is not a package: no node_modules of its own
    const inside = last === 'node_modules' || (last.startsWith('@') && parent.endsWith('node_modules'));
    if (!inside) {
      const candidate = `${at ? `${at}/` : ''}node_modules/${name}/package.json`;
      if (installed.has(candidate)) return candidate;
    }
    if (at === '') return undefined;
    at = parent;
  }
  return undefined;
}
