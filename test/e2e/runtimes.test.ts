// Runtimes installed without a package manager are found (issue 9, point 7): a distroless-style image with
// the official Node.js binary at /nodejs/bin/node (no dpkg entry) reports `node` at the exact version the
// binary itself prints, and a JDK's release file reports `java`; both reach the SBOM as generic purls.
// The binary is the real Node 24 that `npm ci` installs (node_modules/node), so the test needs no network.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { ROOT, run, tempDir } from '../helpers.ts';

const NODE = realpathSync(join(ROOT, 'node_modules', '.bin', 'node'));

it('a Node.js binary from a tarball and an unpacked JDK are reported with their versions', {
  timeout: 300_000,
}, async (t) => {
  const dir = await tempDir(t);
  const printed = await run(NODE, ['--version']);
  const version = printed.stdout.trim().replace(/^v/, '');
  assert.match(version, /^\d+\.\d+\.\d+$/);
  await mkdir(join(dir, 'jdk'));
  await writeFile(
    join(dir, 'jdk', 'release'),
    'IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="21.0.5"\nJAVA_RUNTIME_VERSION="21.0.5+11-LTS"\n',
  );
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  const layout = `oci:${join(dir, 'image')}`;
  await pith.build({
    config: {
      archs: ['amd64'],
      files: [
        { src: NODE, dst: '/nodejs/bin/node' },
        { src: 'jdk/release', dst: '/opt/java/openjdk/release' },
      ],
      context: '/',
      // an inventory of what is laid down as it is: no libraries added for the binary
      resolveLibraries: false,
    },
    baseDir: dir,
    output: layout,
  });
  const img = (await pith.inventory(layout)).images[0]!;
  assert.deepEqual(img.runtimes, [
    { name: 'node', version, path: 'nodejs/bin/node' },
    { name: 'java', version: '21.0.5', path: 'opt/java/openjdk', vendor: 'Eclipse Adoptium' },
  ]);
  const sbom = (await pith.sbom({ reference: layout })).json;
  assert.ok(sbom.includes(`"purl": "pkg:generic/node@${version}"`), 'node in the CycloneDX SBOM');
  assert.ok(sbom.includes('"purl": "pkg:generic/java@21.0.5"'));
});
