// npm's installed dependency graph: each package's declared dependencies resolved as Node resolves them
// (its own node_modules first, then each ancestor's; scopes climbed past), so two installed copies of one
// name are told apart; the SBOMs carry the edges (CycloneDX dependencies, SPDX DEPENDS_ON).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { tempDir } from '../helpers.ts';
import { importTree, writeTree } from '../rootfs-helpers.ts';
import { cycloneDxValidator } from '../sbom/helpers.ts';

const manifest = (name: string, version: string, dependencies: Record<string, string> = {}) =>
  JSON.stringify({ name, version, dependencies });

it('npm packages depend on the copies Node would load, in the inventory and both SBOMs', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'tree');
  const files: Record<string, string> = {
    'app/node_modules/a/package.json': manifest('a', '1.0.0', { b: '^1', c: '^2' }),
    'app/node_modules/a/node_modules/c/package.json': manifest('c', '2.0.0'),
    'app/node_modules/b/package.json': manifest('b', '1.0.0', { c: '^1' }),
    'app/node_modules/c/package.json': manifest('c', '1.0.0'),
    'app/node_modules/@s/d/package.json': manifest('@s/d', '3.0.0', { b: '^1', missing: '^1' }),
  };
  await writeTree(root, files);
  const { pith, layout } = await importTree(dir, root);
  const img = (await pith.inventory(layout)).images[0]!;
  const edges = Object.fromEntries(img.languagePackages.map((p) => [p.path, p.dependsOn ?? []]));
  assert.deepEqual(edges, {
    'app/node_modules/@s/d/package.json': ['app/node_modules/b/package.json'],
    'app/node_modules/a/node_modules/c/package.json': [],
    'app/node_modules/a/package.json': [
      'app/node_modules/a/node_modules/c/package.json',
      'app/node_modules/b/package.json',
    ],
    'app/node_modules/b/package.json': ['app/node_modules/c/package.json'],
    'app/node_modules/c/package.json': [],
  });

  const cdx = JSON.parse((await pith.sbom({ reference: layout })).json) as {
    dependencies: { ref: string; dependsOn: string[] }[];
  };
  const validate = cycloneDxValidator('1.6');
  assert.ok(validate(cdx), JSON.stringify(validate.errors, null, 2));
  const a = cdx.dependencies.find((d) => d.ref === 'pkg:npm/a@1.0.0#/app/node_modules/a/package.json');
  assert.deepEqual(a?.dependsOn, [
    'pkg:npm/b@1.0.0#/app/node_modules/b/package.json',
    'pkg:npm/c@2.0.0#/app/node_modules/a/node_modules/c/package.json',
  ]);
  const spdx = JSON.parse((await pith.sbom({ reference: layout, format: 'spdx' })).json) as {
    relationships: { relationshipType: string }[];
  };
  assert.equal(spdx.relationships.filter((r) => r.relationshipType === 'DEPENDS_ON').length, 4);
});
