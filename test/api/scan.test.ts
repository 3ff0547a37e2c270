// `scan` with no feed (issue 9, point 6, the hermetic half): an image built from the signed fake Debian
// repository, scanned later against a repository whose security suite carries a newer version, reports
// that package as updatable with both versions; packages the suite no longer carries are named apart; a
// non-Debian image is not checked, and says why.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { type FakePackage, startFakeRepo } from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';

const BASE_FILES: FakePackage = {
  name: 'base-files',
  version: '13.8',
  files: {
    'usr/lib/os-release': 'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n',
    'etc/debian_version': '13.8\n',
  },
};

it('a package whose security suite has a newer version is reported with both versions', async (t) => {
  const dir = await tempDir(t);
  const then = await startFakeRepo([
    {
      name: 'trixie',
      packages: [BASE_FILES, { name: 'app', version: '1.0-1' }, { name: 'gone', version: '2' }],
    },
    { name: 'trixie-updates', packages: [] },
    { name: 'trixie-security', packages: [] },
  ]);
  t.after(() => then.close());
  await writeFile(join(dir, 'then.asc'), then.publicKey);
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  const layout = `oci:${join(dir, 'image')}`;
  await pith.build({
    config: {
      archs: ['amd64'],
      mirror: { archive: then.url, security: then.securityUrl },
      keyring: ['then.asc'],
      packages: ['base-files', 'app', 'gone'],
    },
    baseDir: dir,
    output: layout,
  });

  const now = await startFakeRepo([
    { name: 'trixie', packages: [BASE_FILES, { name: 'app', version: '1.0-1' }] },
    { name: 'trixie-updates', packages: [] },
    { name: 'trixie-security', packages: [{ name: 'app', version: '1.0-1+deb13u1' }] },
  ]);
  t.after(() => now.close());
  await writeFile(join(dir, 'now.asc'), now.publicKey);
  const report = await pith.scan({
    reference: layout,
    mirror: { archive: now.url, security: now.securityUrl },
    keyrings: [join(dir, 'now.asc')],
  });
  const img = report.images[0]!;
  assert.equal(img.suite, 'trixie');
  assert.deepEqual(img.updates, [
    {
      name: 'app',
      architecture: 'amd64',
      installed: '1.0-1',
      available: '1.0-1+deb13u1',
      origin: 'trixie-security/main',
      source: { name: 'app', version: '1.0-1' },
    },
  ]);
  assert.deepEqual(img.notInSuite, ['gone']);

  // the same image against the repository it was built from: nothing is stale
  const fresh = await pith.scan({
    reference: layout,
    mirror: { archive: then.url, security: then.securityUrl },
    keyrings: [join(dir, 'then.asc')],
  });
  assert.deepEqual(fresh.images[0]?.updates, []);
});

it('an image without Debian os-release is not checked, and says why', async (t) => {
  const dir = await tempDir(t);
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  await pith.build({
    config: { archs: ['amd64'], files: [{ dir: '/app' }] },
    output: `oci:${join(dir, 'x')}`,
  });
  const report = await pith.scan({ reference: `oci:${join(dir, 'x')}` });
  assert.match(report.images[0]?.skipped ?? '', /no Debian os-release/);
  assert.deepEqual(report.images[0]?.updates, []);
});
