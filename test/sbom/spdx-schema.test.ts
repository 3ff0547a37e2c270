// pith's SPDX 2.3 documents against the official SPDX 2.3 JSON schema (spdx/spdx-spec, draft 2019-09,
// copied unchanged into test/fixtures/schemas because no npm package ships it; its sha256 is checked), for
// a Debian image and a two-platform index with npm and Python packages.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';
import { sbomJson, toSpdx } from '../../src/sbom/index.ts';
import { ROOT } from '../helpers.ts';
import { debianInventory, multiInventory } from './helpers.ts';

function spdxValidator() {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'schemas', 'spdx-schema.json'));
  assert.equal(
    createHash('sha256').update(text).digest('hex'),
    'c4d60cc5ac862c6fa957b4151893208d4d6e7ce7bb008405b9003c927355a985',
  );
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  return ajv.compile(JSON.parse(text.toString('utf8')));
}

it('pith’s SPDX 2.3 JSON validates against the official SPDX 2.3 schema', () => {
  const validate = spdxValidator();
  for (const inv of [debianInventory(), multiInventory()]) {
    const doc = JSON.parse(sbomJson(toSpdx(inv, { epoch: 1_700_000_000 })));
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  }
  // the schema is no rubber stamp: a package without its required download location is refused
  const broken = JSON.parse(sbomJson(toSpdx(debianInventory(), { epoch: 0 })));
  delete broken.packages[0].downloadLocation;
  assert.equal(validate(broken), false);
});
