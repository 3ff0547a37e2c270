// os-release (freedesktop.org os-release(5)): KEY=value lines, values optionally quoted with shell
// escapes; /etc/os-release wins over /usr/lib/os-release as the spec says. Debian's /etc/debian_version
// adds the point release.
import type { OsInfo } from './types.ts';

export const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'] as const;
export const DEBIAN_VERSION_PATH = 'etc/debian_version';

/** The fields of os-release text. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.set(line.slice(0, eq), unquote(line.slice(eq + 1)));
  }
  return out;
}

function unquote(v: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) {
    const inner = v.slice(1, -1);
    return q === '"' ? inner.replace(/\\([$"\\`])/g, '$1') : inner;
  }
  return v;
}

/** The OS of a file system, from whichever of its os-release files exists (and debian_version). */
export function osInfo(read: (path: string) => string | undefined): OsInfo | undefined {
  const text = OS_RELEASE_PATHS.map(read).find((t) => t !== undefined);
  if (text === undefined) return undefined;
  const f = parseOsRelease(text);
  const id = f.get('ID');
  if (!id) return undefined;
  const debianVersion = read(DEBIAN_VERSION_PATH)?.trim();
  const pick = (k: string) => f.get(k) || undefined;
  const versionId = pick('VERSION_ID');
  const versionCodename = pick('VERSION_CODENAME');
  const prettyName = pick('PRETTY_NAME');
  return {
    id,
    ...(versionId ? { versionId } : {}),
    ...(versionCodename ? { versionCodename } : {}),
    ...(prettyName ? { prettyName } : {}),
    ...(debianVersion ? { debianVersion } : {}),
  };
}
