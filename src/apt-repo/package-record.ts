// One binary package as a Packages index describes it: the fields the resolver, fetcher, lockfile and
// scanner metadata need, parsed once (dpkg status entries are written from the .deb's own control file).
import { PithError } from '../util/index.ts';
import type { Stanza } from './deb822.ts';

export interface PackageRecord {
  name: string;
  version: string;
  architecture: string;
  source: string;
  sourceVersion: string;
  depends: string;
  preDepends: string;
  provides: string;
  multiArch: string;
  essential: boolean;
  priority: string;
  filename: string;
  size: number;
  sha256: string;
  installedSize: number;
  /** Which index it came from (suite/component), for `pith why` and the lockfile. */
  origin: string;
  /** Where the .deb is downloaded from: the mirror base URL joined with Filename. */
  url: string;
  /** The line of its stanza in the index; 0 for a record that comes from a lock. */
  line: number;
}

/** Parses a Packages stanza; `where` names the index in errors, `base` is the mirror base URL. */
export function packageRecord(s: Stanza, origin: string, where: string, base = ''): PackageRecord {
  const need = (f: string) => {
    const v = s.get(f);
    if (!v)
      throw new PithError(
        'invalid',
        'BAD_PACKAGES',
        `${where}:${s.line}: ${s.get('Package') ?? 'stanza'} has no ${f}`,
      );
    return v;
  };
  const name = need('Package');
  const version = need('Version');
  const src = /^(\S+)(?:\s*\(([^)]+)\))?$/.exec((s.get('Source') ?? '').trim());
  return {
    name,
    version,
    architecture: need('Architecture'),
    source: src?.[1] || name,
    sourceVersion: src?.[2]?.trim() || version,
    depends: s.get('Depends') ?? '',
    preDepends: s.get('Pre-Depends') ?? '',
    provides: s.get('Provides') ?? '',
    multiArch: s.get('Multi-Arch') ?? 'no',
    essential: s.get('Essential')?.toLowerCase() === 'yes',
    priority: s.get('Priority') ?? '',
    filename: need('Filename'),
    size: Number(need('Size')),
    sha256: need('SHA256'),
    installedSize: Number(s.get('Installed-Size') ?? '0'),
    origin,
    url: `${base.replace(/\/+$/, '')}/${need('Filename')}`,
    line: s.line,
  };
}
