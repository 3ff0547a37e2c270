// Issue 7 §6: `pith lock --preset base` and a pith.yaml made by `pith presets show base` describe the same
// packages, so a lock made from one is accepted by a --locked build of the other; a repeated architecture
// is one architecture.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { effectiveConfig } from '../../src/assemble/index.ts';
import { commandLineConfig, listPresets, parseConfig } from '../../src/config/index.ts';
import { readLock } from '../../src/lockfile/index.ts';
import { lockInputs } from '../../src/lockfile/lock-file.ts';
import { isPithError } from '../../src/util/index.ts';
import { tempDir } from '../helpers.ts';

async function inputsOf(loaded: Parameters<typeof effectiveConfig>[0]): Promise<string> {
  return lockInputs((await effectiveConfig(loaded)).config);
}

describe('lock inputs', () => {
  it('are the same for --preset NAME and for the preset text saved as a config, for every preset', async () => {
    for (const p of await listPresets()) {
      const fromFlag = await inputsOf(commandLineConfig({ preset: p.name, suite: p.suite as 'trixie' }));
      const fromFile = await inputsOf(parseConfig(await readFile(p.file, 'utf8'), 'pith.yaml'));
      assert.equal(fromFlag, fromFile, `${p.suite}/${p.name}`);
    }
  });

  it('change when the packages do, and ignore a repeated architecture', async () => {
    const base = await inputsOf(commandLineConfig({ preset: 'base' }));
    const more = await inputsOf(commandLineConfig({ preset: 'base', packages: ['libcurl4t64'] }));
    assert.notEqual(base, more);
    const once = await effectiveConfig(commandLineConfig({ preset: 'base', archs: ['amd64'] }));
    const twice = await effectiveConfig(commandLineConfig({ preset: 'base', archs: ['amd64', 'amd64'] }));
    assert.deepEqual(twice.config.archs, ['amd64']);
    assert.equal(lockInputs(once.config), lockInputs(twice.config));
  });
});

describe('lock files', () => {
  it('a lock written before the inputs were normalised (version 1) asks to run pith lock again', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'pith.lock.json');
    await writeFile(file, JSON.stringify({ lockfileVersion: 1, inputs: 'sha256:x', archs: {} }));
    await assert.rejects(
      readLock(file),
      (e) =>
        isPithError(e) &&
        e.code === 'BAD_LOCK' &&
        /lockfileVersion 1 was written by an older pith; run pith lock again$/.test(e.message),
    );
    await writeFile(file, JSON.stringify({ lockfileVersion: 99, archs: {} }));
    await assert.rejects(readLock(file), /lockfileVersion 99 is not supported \(expected 2\)/);
  });
});
