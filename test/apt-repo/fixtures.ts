// Package universes for resolver and universe tests, built from deb822 Packages text exactly as the
// suite client builds them (parseDeb822 + packageRecord), so the records carry real stanzas and origins.
import { createHash } from 'node:crypto';
import { parseDeb822 } from '../../src/apt-repo/deb822.ts';
import { type PackageRecord, packageRecord } from '../../src/apt-repo/package-record.ts';
import type { Resolution } from '../../src/apt-repo/resolver.ts';
import { buildUniverse, type Universe } from '../../src/apt-repo/universe.ts';

/**
 * One Packages stanza: Package, Version, Architecture (amd64 unless `fields.Architecture` says otherwise),
 * the other `fields` in order, then a Filename, Size and SHA256 derived from name, version and arch.
 */
export function stanza(name: string, version: string, fields: Record<string, string> = {}): string {
  const arch = fields['Architecture'] ?? 'amd64';
  const lines = [`Package: ${name}`, `Version: ${version}`, `Architecture: ${arch}`];
  for (const [field, value] of Object.entries(fields)) {
    if (field !== 'Architecture') lines.push(`${field}: ${value}`);
  }
  const file = `pool/main/${name[0]}/${name}/${name}_${version.replace(/^\d+:/, '')}_${arch}.deb`;
  lines.push(`Filename: ${file}`, 'Size: 1234', `SHA256: ${createHash('sha256').update(file).digest('hex')}`);
  return `${lines.join('\n')}\n`;
}

/** A Packages index: stanzas separated by blank lines. */
export function index(...stanzas: string[]): string {
  return stanzas.join('\n');
}

/** Records from Packages texts keyed by origin (`trixie/main`, `trixie-security/main`…), in key order. */
export function records(indexes: Record<string, string>): PackageRecord[] {
  const out: PackageRecord[] = [];
  for (const [origin, text] of Object.entries(indexes)) {
    const where = `fixture ${origin}`;
    for (const s of parseDeb822(text, { where })) out.push(packageRecord(s, origin, where));
  }
  return out;
}

/** A universe for `arch` from Packages texts keyed by origin. */
export function universe(arch: string, indexes: Record<string, string>): Universe {
  return buildUniverse(records(indexes), arch);
}

/** `name=version` of every chosen package, in resolution order (sorted by name). */
export function chosen(res: Resolution): string[] {
  return res.packages.map((p) => `${p.name}=${p.version}`);
}

/** A copy of `items` in a pseudo-random order fixed by `seed` (mulberry32 + Fisher–Yates). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
