// Issue 7 §6: `pith lock --preset base` and a pith.yaml made by `pith presets show base` describe the same
// packages, so a lock made from one is accepted by a --locked build of the other; a repeated architecture
// is one architecture. Reading lock files: lock-file.test.ts.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { effectiveConfig } from '../../src/assemble/index.ts';
import { configFromObject, listPresets, parseConfig } from '../../src/config/index.ts';
import { lockInputs } from '../../src/lockfile/lock-file.ts';

async function inputsOf(loaded: Parameters<typeof effectiveConfig>[0]): Promise<string> {
  return lockInputs((await effectiveConfig(loaded)).config);
}

describe('lock inputs', () => {
  it('are the same for --preset NAME and for the preset text saved as a config, for every preset', async () => {
    for (const p of await listPresets()) {
      const fromFlag = await inputsOf(configFromObject({ preset: p.name, suite: p.suite as 'trixie' }));
      const fromFile = await inputsOf(parseConfig(await readFile(p.file, 'utf8'), 'pith.yaml'));
      assert.equal(fromFlag, fromFile, `${p.suite}/${p.name}`);
    }
  });

  it('change when the packages do, and ignore a repeated architecture', async () => {
    const base = await inputsOf(configFromObject({ preset: 'base' }));
    const more = await inputsOf(configFromObject({ preset: 'base', packages: ['libcurl4t64'] }));
    assert.notEqual(base, more);
    const once = await effectiveConfig(configFromObject({ preset: 'base', archs: ['amd64'] }));
    const twice = await effectiveConfig(configFromObject({ preset: 'base', archs: ['amd64', 'amd64'] }));
    assert.deepEqual(twice.config.archs, ['amd64']);
    assert.equal(lockInputs(once.config), lockInputs(twice.config));
  });
});
