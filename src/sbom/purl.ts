// Package URLs (package-url/purl-spec): the generic serialiser (percent-encoding per "Character encoding",
// qualifiers sorted by key), Debian package purls in the shape syft and trivy emit
// (`pkg:deb/debian/libc6@2.41-12?arch=amd64&distro=debian-13&upstream=glibc`), and OCI image purls.

import type { LanguagePackage, OsInfo, OsPackage, Runtime } from '../inventory/index.ts';
import type { Digest } from '../util/index.ts';
import { compareText } from '../util/index.ts';

/** The seven components of a purl, decoded (the scheme is always `pkg`). */
export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  /** Key → value; an empty or undefined value is left out, as the spec says. */
  qualifiers?: Readonly<Record<string, string | undefined>>;
  subpath?: string;
}

// "Character encoding": the alphanumerics, `.-_~` and the colon are never encoded; everything else is
// (UTF-8 bytes as %XX, upper-case hex), the separators included when they are data.
const PLAIN = /^[A-Za-z0-9.\-_~:]$/;

/** Percent-encodes one purl component string (a namespace or subpath segment, a name, version or value). */
export function encodePurlComponent(text: string): string {
  let out = '';
  for (const ch of text) {
    if (PLAIN.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const segments = (path: string) => path.split('/').filter((s) => s !== '');

/** The canonical purl string of `p`: qualifiers sorted by key, empty ones dropped. */
export function formatPurl(p: PurlParts): string {
  let out = `pkg:${p.type.toLowerCase()}/`;
  const ns = segments(p.namespace ?? '');
  if (ns.length) out += `${ns.map(encodePurlComponent).join('/')}/`;
  out += encodePurlComponent(p.name);
  if (p.version) out += `@${encodePurlComponent(p.version)}`;
  const qualifiers = Object.entries(p.qualifiers ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .sort(([a], [b]) => compareText(a, b));
  if (qualifiers.length) out += `?${qualifiers.map(([k, v]) => `${k}=${encodePurlComponent(v)}`).join('&')}`;
  const sub = segments(p.subpath ?? '').filter((s) => s !== '.' && s !== '..');
  if (sub.length) out += `#${sub.map(encodePurlComponent).join('/')}`;
  return out;
}

/** A Debian version split into its epoch (undefined when absent or 0) and the rest. */
export function splitEpoch(version: string): { epoch?: string; version: string } {
  const m = /^(\d+):(.*)$/.exec(version);
  if (!m) return { version };
  const epoch = String(Number(m[1]));
  return epoch === '0' ? { version: m[2]! } : { epoch, version: m[2]! };
}

/** The `distro` qualifier: os-release `ID-VERSION_ID` (`debian-13`), as syft writes it. */
export function distroQualifier(os: OsInfo | undefined): string | undefined {
  return os?.versionId ? `${os.id}-${os.versionId}` : undefined;
}

/**
 * The purl of a Debian package: namespace = the OS id (`debian`, `ubuntu`; `debian` when the image has no
 * os-release), the epoch moved to an `epoch` qualifier as trivy does, `arch`, `distro`, and syft's
 * `upstream` (the source package, `SOURCE@VERSION` when the source version is not the binary's).
 */
export function debPurl(
  pkg: Pick<OsPackage, 'name' | 'version' | 'architecture' | 'source'>,
  os?: OsInfo,
): string {
  const { epoch, version } = splitEpoch(pkg.version);
  const src = pkg.source;
  const upstream =
    src.version !== pkg.version ? `${src.name}@${src.version}` : src.name !== pkg.name ? src.name : undefined;
  return formatPurl({
    type: 'deb',
    namespace: (os?.id ?? 'debian').toLowerCase(),
    name: pkg.name,
    version,
    qualifiers: { arch: pkg.architecture, distro: distroQualifier(os), epoch, upstream },
  });
}

/**
 * The purl of an OS package: Debian's as debPurl says; apk's as syft writes it
 * (`pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64&distro=alpine-3.19.1&upstream=busybox`).
 */
export function osPackagePurl(pkg: OsPackage, os?: OsInfo): string {
  if (pkg.type === 'deb') return debPurl(pkg, os);
  if (pkg.type === 'rpm') return rpmPurl(pkg, os);
  return formatPurl({
    type: 'apk',
    namespace: (os?.id ?? 'alpine').toLowerCase(),
    name: pkg.name,
    version: pkg.version,
    qualifiers: {
      arch: pkg.architecture,
      distro: distroQualifier(os),
      upstream: pkg.source.name !== pkg.name ? pkg.source.name : undefined,
    },
  });
}

/**
 * An rpm's purl as syft writes it: the vendor namespace from os-release's ID, the epoch as a qualifier,
 * the source rpm as `upstream` (`pkg:rpm/fedora/bash@5.2.26-3.fc40?arch=x86_64&distro=fedora-40&upstream=…`).
 */
function rpmPurl(pkg: OsPackage, os?: OsInfo): string {
  const { epoch, version } = splitEpoch(pkg.version);
  return formatPurl({
    type: 'rpm',
    namespace: (os?.id ?? 'redhat').toLowerCase(),
    name: pkg.name,
    version,
    qualifiers: { arch: pkg.architecture, distro: distroQualifier(os), epoch, upstream: pkg.sourceRpm },
  });
}

/** The purl of an OCI image: `pkg:oci/NAME@sha256:…` with `repository_url` (and `arch`, `tag`) when known. */
export function ociPurl(
  name: string,
  digest: Digest,
  qualifiers: {
    repositoryUrl?: string | undefined;
    arch?: string | undefined;
    tag?: string | undefined;
  } = {},
): string {
  return formatPurl({
    type: 'oci',
    name: name.toLowerCase(),
    version: digest,
    qualifiers: { arch: qualifiers.arch, repository_url: qualifiers.repositoryUrl, tag: qualifiers.tag },
  });
}

/** A runtime no package installed, as syft's binary classifiers name it: `pkg:generic/node@22.11.0`. */
export function runtimePurl(r: Runtime): string {
  return formatPurl({ type: 'generic', name: r.name, version: r.version });
}

/**
 * `pkg:npm/%40scope/name@1.0.0`, `pkg:pypi/name@1.0` (PyPI names normalised as PEP 503 says),
 * `pkg:golang/github.com/x/y@v1.2.3` (the module path split at its last slash), `pkg:maven/GROUP/ARTIFACT@V`.
 */
export function languagePurl(p: LanguagePackage): string {
  if (p.type === 'golang' || p.type === 'maven') {
    const cut = p.name.lastIndexOf('/');
    const namespace = p.type === 'maven' ? p.group : cut > 0 ? p.name.slice(0, cut) : undefined;
    const name = p.type === 'golang' && cut > 0 ? p.name.slice(cut + 1) : p.name;
    return formatPurl({ type: p.type, ...(namespace ? { namespace } : {}), name, version: p.version });
  }
  if (p.type === 'pypi')
    return formatPurl({
      type: 'pypi',
      name: p.name.toLowerCase().replace(/[-_.]+/g, '-'),
      version: p.version,
    });
  const slash = p.name.startsWith('@') ? p.name.indexOf('/') : -1;
  return slash > 0
    ? formatPurl({
        type: 'npm',
        namespace: p.name.slice(0, slash),
        name: p.name.slice(slash + 1),
        version: p.version,
      })
    : formatPurl({ type: 'npm', name: p.name, version: p.version });
}

/** Parses a purl string (the inverse of formatPurl); undefined when it is not `pkg:TYPE/…NAME`. */
export function parsePurl(text: string): PurlParts | undefined {
  if (!text.startsWith('pkg:')) return undefined;
  let rest = text.slice(4).replace(/^\/+/, '');
  let subpath: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    subpath = decode(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  const qualifiers: Record<string, string> = {};
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq > 0) qualifiers[pair.slice(0, eq).toLowerCase()] = decode(pair.slice(eq + 1)) ?? '';
    }
    rest = rest.slice(0, q);
  }
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > rest.lastIndexOf('/')) {
    version = decode(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/').filter((s) => s !== '');
  const type = parts.shift()?.toLowerCase();
  const name = parts.pop();
  if (!type || name === undefined) return undefined;
  const decodedName = decode(name);
  if (decodedName === undefined) return undefined;
  const out: PurlParts = { type, name: decodedName };
  if (parts.length) out.namespace = parts.map((p) => decode(p) ?? p).join('/');
  if (version !== undefined) out.version = version;
  if (Object.keys(qualifiers).length) out.qualifiers = qualifiers;
  if (subpath) out.subpath = subpath;
  return out;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
