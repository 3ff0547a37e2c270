// Shared by the SBOM tests: a hand-made inventory with the cases a writer must get right (epochs, `+` and
// `~` in versions, a source package of another name and version, alternatives in Depends, unowned files),
// and the official CycloneDX JSON schemas (as @cyclonedx/cyclonedx-library ships them) compiled with ajv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { ImageInventory, Inventory, InventoryFile, OsPackage } from '../../src/inventory/index.ts';
import type { Digest } from '../../src/util/index.ts';
import { ROOT } from '../helpers.ts';

export const digest = (c: string): Digest => `sha256:${c.repeat(64).slice(0, 64)}`;

export function pkg(p: Partial<OsPackage> & Pick<OsPackage, 'name' | 'version'>): OsPackage {
  return {
    type: 'deb',
    architecture: 'amd64',
    source: { name: p.name, version: p.version },
    database: 'dpkg-status.d',
    recordPath: `var/lib/dpkg/status.d/${p.name}`,
    files: [],
    ...p,
  };
}

export function file(path: string, c: string, extra: Partial<InventoryFile> = {}): InventoryFile {
  return { path, type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0, layer: 1, sha256: digest(c), ...extra };
}

/** One amd64 Debian 13 image: libc6 (source glibc), zlib1g (epoch 1), libstdc++6 (source gcc-14), a
 * binNMU (`+b1`, source version without it), bash (an application depending on an alternative), files. */
export function debianImage(arch = 'amd64', c = 'a'): ImageInventory {
  const packages = [
    pkg({
      name: 'libc6',
      version: '2.41-12',
      architecture: arch,
      source: { name: 'glibc', version: '2.41-12' },
      maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>',
      installedSize: 12345,
      homepage: 'https://www.gnu.org/software/libc/libc.html',
      licenses: [
        { name: 'LGPL-2.1+', spdx: 'LGPL-2.1-or-later' },
        { name: 'Carnegie' },
        { name: 'Expat', spdx: 'MIT' },
        { name: 'MIT', spdx: 'MIT' },
      ],
      summary: 'GNU C Library: Shared libraries',
      files: ['usr/lib/x86_64-linux-gnu/libc.so.6'],
    }),
    pkg({
      name: 'zlib1g',
      version: '1:1.3.dfsg+really1.3.1-1+b1',
      architecture: arch,
      source: { name: 'zlib', version: '1:1.3.dfsg+really1.3.1-1' },
      depends: 'libc6 (>= 2.14)',
    }),
    pkg({
      name: 'libstdc++6',
      version: '14.2.0-19',
      architecture: arch,
      source: { name: 'gcc-14', version: '14.2.0-19' },
      depends: 'gcc-14-base (= 14.2.0-19), libc6 (>= 2.36), libgcc-s1 (>= 4.3)',
    }),
    pkg({
      name: 'tzdata',
      version: '2025b-4+deb13u1',
      architecture: 'all',
      maintainer: 'GNU Libc Maintainers',
    }),
    pkg({
      name: 'bash',
      version: '5.2.37-2+b5',
      architecture: arch,
      source: { name: 'bash', version: '5.2.37-2' },
      depends: 'base-files (>= 2.1.12), debianutils (>= 5.6-0.1) | libc6:any, tzdata',
      files: ['usr/bin/bash'],
    }),
    pkg({ name: 'base-files', version: '13.8~deb13u1', architecture: arch, homepage: 'not a url' }),
  ];
  const files: InventoryFile[] = [
    file('app/server', `${c}1`, { mode: 0o755, layer: 2 }),
    file('etc/passwd', `${c}2`),
    file('usr/bin/bash', `${c}3`),
    { path: 'app', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, layer: 2 },
  ];
  return {
    platform: `linux/${arch}`,
    runtimes: [],
    languagePackages: [],
    digest: digest(c),
    os: {
      id: 'debian',
      versionId: '13',
      versionCodename: 'trixie',
      prettyName: 'Debian GNU/Linux 13 (trixie)',
      debianVersion: '13.2',
    },
    packages,
    files,
    layers: [],
    waste: { reclaimableBytes: 0, paths: [], efficiency: 1, diveWastedBytes: 0, userWastedRatio: 0 },
    unowned: ['app/server', 'etc/passwd'],
  };
}

export function debianInventory(reference = 'docker://registry.example:5000/team/app:1'): Inventory {
  return { reference, digest: digest('d'), images: [debianImage()] };
}

export function multiInventory(): Inventory {
  return {
    reference: 'oci:/tmp/out/multi:latest',
    digest: digest('e'),
    images: [debianImage('amd64', 'a'), debianImage('arm64', 'b')],
  };
}

const SCHEMAS = join(ROOT, 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema');
const readSchema = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8')) as object;

/** A validator for the official CycloneDX JSON schema of `version`. */
export function cycloneDxValidator(version: '1.5' | '1.6'): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its module.exports is the plugin, and carries it as `default` too
  ajvFormats.default(ajv);
  ajv.addFormat('iri-reference', true);
  ajv.addFormat('idn-email', true);
  // the bom schemas refer to these by their file names (as the library's own validator maps them)
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json'])
    ajv.addSchema(readSchema(name), `http://cyclonedx.org/schema/${name}`);
  return ajv.compile(readSchema(`bom-${version}.SNAPSHOT.schema.json`));
}
