// pith's version, as its outputs state it, is package.json's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { PITH_TOOL } from '../../src/util/index.ts';
import { ROOT } from '../helpers.ts';

it('PITH_TOOL.version is package.json’s version', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  assert.deepEqual(PITH_TOOL, { name: pkg.name, version: pkg.version });
});
