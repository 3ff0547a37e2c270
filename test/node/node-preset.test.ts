// The nodejs preset a bare Node.js project gets from package.json's engines.node: the newest major pith
// ships that the range allows; the newest without a range; a clear error for a range none fits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NODE_PRESET_MAJORS, nodePresetFor } from '../../src/node/index.ts';

test('engines.node picks the newest preset major it allows', () => {
  assert.equal(nodePresetFor(undefined, 'p'), `nodejs${NODE_PRESET_MAJORS[0]}`);
  assert.equal(nodePresetFor('', 'p'), 'nodejs26');
  assert.equal(nodePresetFor('>=18', 'p'), 'nodejs26');
  assert.equal(nodePresetFor('^22.11.0', 'p'), 'nodejs22');
  assert.equal(nodePresetFor('20 || 24', 'p'), 'nodejs24');
  assert.equal(nodePresetFor('>=22 <25', 'p'), 'nodejs24');
});

test('a range no preset fits, or that is not semver, is refused naming the file', () => {
  assert.throws(() => nodePresetFor('>=30', 'app/package.json'), {
    code: 'NODE_VERSION_NOT_FOUND',
    message: /^app\/package\.json: engines\.node ">=30" allows none of Node\.js 26, 24, 22/,
  });
  assert.throws(() => nodePresetFor('lts please', 'app/package.json'), {
    code: 'NOT_A_NODE_PROJECT',
    message: /is not a semver range/,
  });
});
