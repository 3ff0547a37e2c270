// Language packages an image holds, by the manifests their package managers leave: npm's
// node_modules/**/package.json (name, version, license) and Python's *.dist-info/METADATA or
// *.egg-info/PKG-INFO (core metadata, RFC 822 headers: Name, Version, License-Expression or License).
import { compareText } from '../util/index.ts';
import { linkNpmDependencies } from './npm-graph.ts';
import type { LanguagePackage } from './types.ts';

/** A manifest larger than this is not read. */
const MAX_MANIFEST_BYTES = 1 << 20;

const NPM_MANIFEST = /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/;
const PYTHON_MANIFEST = /(^|\/)[^/]+\.(dist-info\/METADATA|egg-info\/PKG-INFO)$/;

/** Whether the inventory needs a file's content to read a language package's manifest. */
export function isLanguageManifest(path: string, size: number): boolean {
  return size <= MAX_MANIFEST_BYTES && (NPM_MANIFEST.test(path) || PYTHON_MANIFEST.test(path));
}

/**
 * The language packages of the manifests kept, with those found in files' bytes (Go executables, Java
 * archives), sorted by type, name, version and path.
 */
export function languagePackages(
  kept: ReadonlyMap<string, Buffer>,
  found: readonly LanguagePackage[] = [],
): LanguagePackage[] {
  const out: LanguagePackage[] = [...found];
  for (const [path, bytes] of kept) {
    const pkg = NPM_MANIFEST.test(path)
      ? npmPackage(path, bytes)
      : PYTHON_MANIFEST.test(path)
        ? pythonPackage(path, bytes)
        : undefined;
    if (pkg) out.push(pkg);
  }
  linkNpmDependencies(out);
  const key = (p: LanguagePackage) => `${p.type}\0${p.group ?? ''}\0${p.name}\0${p.version}\0${p.path}`;
  return out.sort((a, b) => compareText(key(a), key(b)));
}

function npmPackage(path: string, bytes: Buffer): LanguagePackage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined; // not JSON: not a package manifest pith can read (reported by no one, like npm)
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const m = json as { name?: unknown; version?: unknown; license?: unknown };
  if (typeof m.name !== 'string' || typeof m.version !== 'string' || !m.name || !m.version) return undefined;
  const license =
    typeof m.license === 'string'
      ? m.license
      : typeof (m.license as { type?: unknown } | null)?.type === 'string'
        ? (m.license as { type: string }).type
        : undefined;
  const requires = [
    ...new Set([
      ...Object.keys(objectOf(json, 'dependencies')),
      ...Object.keys(objectOf(json, 'optionalDependencies')),
    ]),
  ].sort();
  return {
    type: 'npm',
    name: m.name,
    version: m.version,
    path,
    ...(license ? { licenses: [license] } : {}),
    ...(requires.length ? { requires } : {}),
  };
}

function objectOf(json: object, key: string): Record<string, unknown> {
  const v = (json as Record<string, unknown>)[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function pythonPackage(path: string, bytes: Buffer): LanguagePackage | undefined {
  const headers = new Map<string, string>();
  for (const line of bytes.toString('utf8').split('\n')) {
    if (line.trim() === '') break; // the body (description) follows the headers
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m && !headers.has(m[1]!.toLowerCase())) headers.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  const name = headers.get('name');
  const version = headers.get('version');
  if (!name || !version) return undefined;
  const license = headers.get('license-expression') || headers.get('license');
  const licenses = license && license !== 'UNKNOWN' ? [license] : [];
  return { type: 'pypi', name, version, path, ...(licenses.length ? { licenses } : {}) };
}
