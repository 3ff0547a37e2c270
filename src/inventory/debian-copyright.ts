// Licences of Debian packages, from their copyright files (usr/share/doc/PKG/copyright) when written in
// the machine-readable format (DEP-5, copyright-format 1.0): every `License:` short name, the one of
// `Files: *` first, with the SPDX identifier for the short names Debian and SPDX share a meaning for.
// Free-text copyright files (glibc's, base-files') give no licence: nothing is guessed.
import { parseDeb822 } from '../apt-repo/index.ts';
import type { PackageLicense } from './types.ts';

const COPYRIGHT = /^usr\/share\/doc\/([^/]+)\/copyright$/;
const DEP5 = /^Format:\s*https?:\/\/(www\.)?debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/?/m;

/** Debian short names → SPDX identifiers (copyright-format 1.0 §7.2 and the SPDX licence list). */
const SPDX_IDS: Record<string, string> = {
  'apache-2.0': 'Apache-2.0',
  'artistic-2.0': 'Artistic-2.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  'cc0-1.0': 'CC0-1.0',
  expat: 'MIT',
  mit: 'MIT',
  isc: 'ISC',
  zlib: 'Zlib',
  'mpl-1.1': 'MPL-1.1',
  'mpl-2.0': 'MPL-2.0',
  'gpl-1': 'GPL-1.0-only',
  'gpl-1+': 'GPL-1.0-or-later',
  'gpl-2': 'GPL-2.0-only',
  'gpl-2+': 'GPL-2.0-or-later',
  'gpl-3': 'GPL-3.0-only',
  'gpl-3+': 'GPL-3.0-or-later',
  'lgpl-2': 'LGPL-2.0-only',
  'lgpl-2+': 'LGPL-2.0-or-later',
  'lgpl-2.1': 'LGPL-2.1-only',
  'lgpl-2.1+': 'LGPL-2.1-or-later',
  'lgpl-3': 'LGPL-3.0-only',
  'lgpl-3+': 'LGPL-3.0-or-later',
  'agpl-3': 'AGPL-3.0-only',
  'agpl-3+': 'AGPL-3.0-or-later',
  'gfdl-1.3': 'GFDL-1.3-only',
  'gfdl-1.3+': 'GFDL-1.3-or-later',
  'psf-2': 'PSF-2.0',
  'python-2.0': 'Python-2.0',
  openssl: 'OpenSSL',
  curl: 'curl',
  'unicode-dfs-2016': 'Unicode-DFS-2016',
  'bsl-1.0': 'BSL-1.0',
  fsfap: 'FSFAP',
  unlicense: 'Unlicense',
};

/** The package a copyright path documents, when it is one. */
export function copyrightPackage(path: string): string | undefined {
  return COPYRIGHT.exec(path)?.[1];
}

/** The licences a DEP-5 copyright file declares (none for a free-text file), `Files: *`'s first. */
export function dep5Licenses(text: string): PackageLicense[] {
  if (!DEP5.test(text)) return [];
  let stanzas: ReturnType<typeof parseDeb822>;
  try {
    stanzas = parseDeb822(text, { where: 'copyright', comments: true });
  } catch {
    return []; // not parseable as deb822 after all: say nothing rather than something wrong
  }
  const ordered = [
    ...stanzas.filter((s) => s.get('Files')?.trim() === '*'),
    ...stanzas.filter((s) => s.get('Files')?.trim() !== '*'),
  ];
  const out = new Map<string, PackageLicense>();
  for (const s of ordered) {
    const first = s.get('License')?.split('\n')[0]?.trim();
    for (const name of first ? shortNames(first) : []) {
      const spdx = name.includes(' ') ? undefined : SPDX_IDS[name.toLowerCase()];
      if (!out.has(name)) out.set(name, { name, ...(spdx ? { spdx } : {}) });
    }
  }
  return [...out.values()];
}

/**
 * `GPL-2+ or Artistic`, `MIT and GPL-2+ with Texinfo exception` → the short names, an exception kept with
 * its licence (copyright-format 1.0 §7.2: `with … exception`).
 */
function shortNames(expr: string): string[] {
  return expr
    .split(/,?\s+(?:or|and)\s+/i)
    .map((n) => n.trim().replace(/\s+/g, ' '))
    .filter((n) => /^[A-Za-z0-9][A-Za-z0-9.+-]*( with [A-Za-z0-9.+ -]+ exception)?$/i.test(n));
}
