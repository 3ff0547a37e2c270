// Finds the Debian mirror the way the host's apt does: deb822 `.sources` files in sources.list.d and
// one-line `sources.list` entries. pith never hard-codes a mirror: it uses user config, else these.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDeb822 } from './deb822.ts';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  signedBy?: string;
  /** The file (and line) it came from. */
  origin: string;
}

/** Mirror base URLs: the main archive, and the security archive (which Debian serves separately). */
export interface Mirrors {
  archive?: string;
  security?: string;
}

/** Reads apt sources under `root` (default `/`) in apt's order: sources.list, then sources.list.d/*. */
export async function readAptSources(root = '/'): Promise<AptSource[]> {
  const list = join(root, 'etc/apt/sources.list');
  const out: AptSource[] = fromOneLine(await readFile(list, 'utf8').catch(() => ''), list);
  const dir = join(root, 'etc/apt/sources.list.d');
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.sources') || n.endsWith('.list'))
    .sort();
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    out.push(
      ...(name.endsWith('.sources') ? fromDeb822(text, join(dir, name)) : fromOneLine(text, join(dir, name))),
    );
  }
  return out;
}

/** apt's StringToBool false words. */
const FALSE = new Set(['no', 'false', 'without', 'off', 'disable', '0']);

function fromDeb822(text: string, file: string): AptSource[] {
  return parseDeb822(text, { where: file, comments: true })
    .filter((s) => !FALSE.has((s.get('Enabled') ?? 'yes').trim().toLowerCase()))
    .map((s) => {
      const words = (f: string) => (s.get(f) ?? '').split(/\s+/).filter(Boolean);
      const src: AptSource = {
        types: words('Types'),
        uris: words('URIs'),
        suites: words('Suites'),
        components: words('Components'),
        origin: `${file}:${s.line}`,
      };
      const signedBy = s.get('Signed-By');
      if (signedBy && !signedBy.includes('\n')) src.signedBy = signedBy.trim();
      return src;
    });
}

function fromOneLine(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const options = Object.fromEntries(
      (m[2] ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((o) => o.split('=') as [string, string]),
    );
    const src: AptSource = {
      types: [m[1]!],
      uris: [m[3]!],
      suites: [m[4]!],
      components: (m[5] ?? '').split(/\s+/).filter(Boolean),
      origin: `${file}:${i + 1}`,
    };
    if (options['signed-by']) src.signedBy = options['signed-by'];
    out.push(src);
  }
  return out;
}

/** The archive and security mirrors among apt sources (binary `deb` entries only). */
export function mirrorsFrom(sources: readonly AptSource[]): Mirrors {
  const mirrors: Mirrors = {};
  for (const s of sources) {
    if (!s.types.includes('deb')) continue;
    const uri = s.uris.find((u) => /^https?:\/\//.test(u))?.replace(/\/+$/, '');
    if (!uri) continue;
    const security = s.suites.some((x) => x.endsWith('-security') || x.endsWith('/updates'));
    if (security) mirrors.security ??= uri;
    else mirrors.archive ??= uri;
  }
  return mirrors;
}
