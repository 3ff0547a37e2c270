// The CA bundle as distroless builds it (rules_distroless cacerts): every file under
// /usr/share/ca-certificates of the ca-certificates package, in path order, concatenated into
// /etc/ssl/certs/ca-certificates.crt; plus the package's copyright and status.d entries. Nothing else of
// the package is installed (no update-ca-certificates, no openssl dependency), and no hash links.

import type { PackageRecord } from '../apt-repo/index.ts';
import type { DebContents } from '../deb-archive/index.ts';
import { FileTree, type ReadEntry } from '../tar/index.ts';
import { PithError } from '../util/index.ts';
import { addStatus, textNode } from './deb-tree.ts';

export const CA_BUNDLE_PATH = 'etc/ssl/certs/ca-certificates.crt';

/** The certificate files of ca-certificates (every file under /usr/share/ca-certificates), in path order. */
export function caCertificateFiles(pkg: PackageRecord, deb: DebContents): ReadEntry[] {
  const certs = deb.entries
    .filter((e) => e.type === 'file' && e.path.startsWith('usr/share/ca-certificates/'))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (certs.length === 0)
    throw new PithError(
      'invalid',
      'NO_CERTIFICATES',
      `${pkg.name} ${pkg.version}: has no files under /usr/share/ca-certificates`,
    );
  return certs;
}

/** The CA layer's tree; `certCount` is how many certificates the bundle holds. */
export function caBundleTree(pkg: PackageRecord, deb: DebContents): { tree: FileTree; certCount: number } {
  const certs = caCertificateFiles(pkg, deb);
  const bundle = Buffer.concat(
    certs.map((c) =>
      c.data.length && c.data[c.data.length - 1] !== 0x0a
        ? Buffer.concat([c.data, Buffer.from('\n')])
        : c.data,
    ),
  );
  const tree = new FileTree();
  tree.add(CA_BUNDLE_PATH, textNode(bundle.toString('latin1')));
  const copyright = deb.entries.find(
    (e) => e.path === `usr/share/doc/${pkg.name}/copyright` && e.type === 'file',
  );
  if (copyright) tree.add(copyright.path, textNode(copyright.data.toString('latin1')));
  addStatus(tree, pkg, deb);
  const certCount = bundle.toString('latin1').split('-----BEGIN CERTIFICATE-----').length - 1;
  return { tree, certCount };
}
