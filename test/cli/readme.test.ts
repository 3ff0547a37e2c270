// The README is the user's manual: every top-level config key, every command and every exit code pith
// has must be documented there (issue 7 §6 found `from:`, `ldSoCache` and exit 130 missing).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExitCode } from '../../src/cli/exit-codes.ts';
import { makeProgram } from '../../src/cli/main.ts';
import { configSchema } from '../../src/config/index.ts';
import { ROOT } from '../helpers.ts';

const readme = await readFile(join(ROOT, 'README.md'), 'utf8');

test('every top-level config key is documented', () => {
  const missing = Object.keys(configSchema.shape)
    .filter((k) => k !== '$schema')
    .filter((k) => !readme.includes(`${k}:`) && !readme.includes(`\`${k}\``));
  assert.deepEqual(missing, []);
});

test('every command and every exit code is documented', () => {
  const commands = makeProgram().commands.map((c) => c.name());
  assert.ok(commands.length >= 10);
  assert.deepEqual(
    commands.filter((c) => !readme.includes(`pith ${c}`)),
    [],
  );
  for (const code of [...Object.values(ExitCode), 130, 143])
    assert.match(readme, new RegExp(`^\\| (\\d+, )*${code}(, \\d+)* \\|`, 'm'), `exit code ${code}`);
});

test('the introduction describes what pith does now, not its first release', () => {
  assert.doesNotMatch(readme, /first release/i);
  for (const word of ['Debian packages', 'presets', 'registries', 'lockfile'])
    assert.ok(readme.includes(word), word);
});
