// The policy gate against pith's own image (issue 10, point 5): base:nonroot, built from the mirror into a
// layout (with its SBOM attached), passes the strict minimal-image policy and a required SBOM; the
// same image without its SBOM fails only that rule; base (root) fails nonRoot.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { ROOT, tempDir } from '../helpers.ts';
import { CACHE_DIR } from './helpers.ts';

const pith = createPith({ cacheDir: CACHE_DIR });

it("pith's base:nonroot passes the strict policy; base (root) and an image without its SBOM do not", {
  timeout: 600_000,
}, async (t) => {
  const dir = await tempDir(t);
  const policy = join(dir, 'policy.yaml');
  const strict = await readFile(join(ROOT, 'test', 'fixtures', 'policy', 'strict.yaml'), 'utf8');
  await writeFile(policy, `${strict}require:\n  sbom: true\n`);
  const nonroot = `oci:${join(dir, 'nonroot')}`;
  await pith.build({ preset: 'base', variant: 'nonroot', archs: ['amd64'], output: nonroot });
  const ok = await pith.policyCheck({ reference: nonroot, policy });
  assert.equal(ok.pass, true, JSON.stringify(ok.images[0]?.results, null, 1));
  assert.deepEqual(
    ok.images[0]!.results.map((r) => r.rule),
    [
      'basePinned',
      'maxSize.compressed',
      'nonRoot',
      'noShell',
      'noPackageManager',
      'require.sbom',
      'findings.deny',
      'findings.max',
    ],
  );

  const bare = `oci:${join(dir, 'bare')}`;
  await pith.build({ preset: 'base', variant: 'nonroot', archs: ['amd64'], output: bare, sbom: false });
  const noSbom = await pith.policyCheck({ reference: bare, policy });
  assert.deepEqual(
    noSbom.images[0]!.results.filter((r) => !r.pass).map((r) => `${r.rule}: ${r.detail}`),
    ['require.sbom: no SBOM is attached'],
  );

  const root = `oci:${join(dir, 'root')}`;
  await pith.build({ preset: 'base', archs: ['amd64'], output: root });
  const asRoot = await pith.policyCheck({ reference: root, policy });
  assert.deepEqual(
    asRoot.images[0]!.results.filter((r) => !r.pass).map((r) => r.rule),
    ['nonRoot', 'findings.max'],
  );
});
