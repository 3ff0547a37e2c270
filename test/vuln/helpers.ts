// Shared by the vulnerability tests: a root file system with hand-written dpkg, npm and Python records
// (the edge cases the checked-in feed excerpts aim at), imported into an OCI layout with pith import.
import { join } from 'node:path';
import type { Pith } from '../../src/api/index.ts';
import { ROOT } from '../helpers.ts';
import { importTree, writeTree } from '../rootfs-helpers.ts';

export const FEEDS = join(ROOT, 'test', 'fixtures', 'feeds');
export const TRACKER = join(FEEDS, 'debian-tracker.json');
export const OSV_DIR = join(FEEDS, 'osv');

interface Stanza {
  name: string;
  version: string;
  source?: string;
}

/** The packages of the trixie image: binary vs source names, an epoch, `~`, `+deb13u1`. */
export const TRIXIE_PACKAGES: Stanza[] = [
  { name: 'libssl3t64', version: '3.5.1-1', source: 'openssl' },
  { name: 'openssl', version: '3.5.1-1' },
  { name: 'login', version: '1:4.16.0-2+b1', source: 'shadow (1:4.16.0-2)' },
  { name: 'libfoo1', version: '2.0~rc1-1', source: 'foo' },
  { name: 'libbar2', version: '1.2-3+deb13u1', source: 'bar' },
  { name: 'oldlib', version: '0.9-1' },
  { name: 'zlib1g', version: '1:1.3.dfsg+really1.3.1-1+b1', source: 'zlib (1:1.3.dfsg+really1.3.1-1)' },
];

function status(packages: Stanza[]): string {
  return packages
    .map((p) =>
      [
        `Package: ${p.name}`,
        'Status: install ok installed',
        'Architecture: amd64',
        ...(p.source ? [`Source: ${p.source}`] : []),
        `Version: ${p.version}`,
        'Description: test package',
        '',
      ].join('\n'),
    )
    .join('\n');
}

/** Writes a root file system (os-release, dpkg status, an npm and a Python package) and imports it. */
export async function importedImage(
  dir: string,
  opts: { codename: string; versionId: string; packages: Stanza[]; name?: string },
): Promise<{ layout: string; pith: Pith }> {
  const root = join(dir, `${opts.name ?? 'rootfs'}-tree`);
  const files: Record<string, string> = {
    'etc/os-release': `PRETTY_NAME="Debian GNU/Linux ${opts.versionId} (${opts.codename})"\nID=debian\nVERSION_ID="${opts.versionId}"\nVERSION_CODENAME=${opts.codename}\n`,
    'var/lib/dpkg/status': status(opts.packages),
    'app/node_modules/lodash/package.json': JSON.stringify({
      name: 'lodash',
      version: '4.17.20',
      license: 'MIT',
    }),
    'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA':
      'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache-2.0\n',
  };
  await writeTree(root, files);
  return importTree(dir, root, opts.name);
}
