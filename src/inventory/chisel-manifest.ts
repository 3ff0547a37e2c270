// Ubuntu chisel's manifest (chisel ≥ 1.0, `../shared/briefs/analyzers.md` §6.2): var/lib/chisel/
// manifest.wall, zstd-compressed "jsonwall" — a header line `{"jsonwall":"1.0",…}`, then one JSON record
// per line: package (name, version, sha256 of the .deb, arch), slice (`pkg_slice`), path (path, mode,
// slices, sha256, size) and content (slice, path). Each package is reported as a Debian-format package
// whose files are the paths of its slices that the image holds, and which slices were cut.

import { unzstd } from '../compress/index.ts';
import { compareText } from '../util/index.ts';
import type { OsPackage } from './types.ts';

export const CHISEL_MANIFEST = 'var/lib/chisel/manifest.wall';
/** Inflated manifests larger than this are not read. */
const MAX_MANIFEST = 256 << 20;

/** The packages chisel's manifest records, sorted by name; `resolve` finds present paths. */
export async function chiselPackages(
  wall: Buffer | undefined,
  resolve: (path: string) => string | undefined,
): Promise<OsPackage[]> {
  const text = wall ? await inflate(wall) : undefined;
  if (!text) return [];
  const packages = new Map<
    string,
    { version: string; arch: string; slices: Set<string>; files: Set<string> }
  >();
  const paths: { path: string; slices: string[] }[] = [];
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('{"jsonwall":')) return [];
  for (const line of lines.slice(1)) {
    const r = parse(line);
    if (!r) continue;
    if (r['kind'] === 'package' && typeof r['name'] === 'string' && typeof r['version'] === 'string')
      packages.set(r['name'], {
        version: r['version'],
        arch: typeof r['arch'] === 'string' ? r['arch'] : '',
        slices: new Set(),
        files: new Set(),
      });
    else if (r['kind'] === 'path' && typeof r['path'] === 'string' && Array.isArray(r['slices']))
      paths.push({ path: r['path'], slices: r['slices'].filter((s): s is string => typeof s === 'string') });
  }
  for (const { path, slices } of paths) {
    const present = path.endsWith('/') ? undefined : resolve(path.replace(/^\/+/, ''));
    for (const slice of slices) {
      const pkg = packages.get(slice.slice(0, slice.lastIndexOf('_')));
      if (!pkg) continue;
      pkg.slices.add(slice);
      if (present) pkg.files.add(present);
    }
  }
  return [...packages.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([name, p]) => ({
      type: 'deb',
      name,
      version: p.version,
      architecture: p.arch,
      source: { name, version: p.version },
      database: 'chisel-manifest',
      recordPath: CHISEL_MANIFEST,
      files: [...p.files].sort(),
      slices: [...p.slices].sort(),
    }));
}

async function inflate(wall: Buffer): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of unzstd(
      (async function* () {
        yield wall;
      })(),
    )) {
      size += c.length;
      if (size > MAX_MANIFEST) return undefined;
      parts.push(c);
    }
  } catch {
    return undefined; // not zstd: not a manifest pith can read
  }
  return Buffer.concat(parts).toString('utf8');
}

function parse(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
