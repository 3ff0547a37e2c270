// The C.utf8 locale as distroless's Java images carry it (briefs/distroless.md §1.9): only
// /usr/lib/locale/C.utf8/** and the copyright of libc-bin, plus libc-bin's status.d entries (so scanners
// see where the files come from), without the rest of libc-bin (ldconfig, locale, iconv…). glibc loads it
// for LANG=C.UTF-8.
import type { PackageRecord } from '../apt-repo/index.ts';
import type { DebContents } from '../deb-archive/index.ts';
import { FileTree } from '../tar/index.ts';
import { PithError } from '../util/index.ts';
import { type DebTreeOptions, debTree } from './deb-tree.ts';

export const LOCALE_PACKAGE = 'libc-bin';
const LOCALE_DIR = 'usr/lib/locale/C.utf8';

/** The locale's tree, mined from libc-bin. */
export function cUtf8LocaleTree(pkg: PackageRecord, deb: DebContents, opts: DebTreeOptions): FileTree {
  const full = debTree(pkg, deb, { ...opts, keepDocs: false }).tree;
  const tree = new FileTree();
  const copyright = `usr/share/doc/${pkg.name}/copyright`;
  for (const e of full.entries()) {
    if (
      e.path.startsWith(`${LOCALE_DIR}/`) ||
      e.path === LOCALE_DIR ||
      e.path === copyright ||
      e.path.startsWith('var/lib/dpkg/status.d/')
    )
      tree.add(e.path, e);
  }
  if (!tree.get(`${LOCALE_DIR}/LC_CTYPE`))
    throw new PithError(
      'invalid',
      'NO_LOCALE',
      `${pkg.name} ${pkg.version}: has no /${LOCALE_DIR}/LC_CTYPE (the C.utf8 locale)`,
    );
  return tree;
}
