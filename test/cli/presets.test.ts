// `pith presets show NAME` prints the preset's text (a config to copy); with --json it prints JSON (the
// parsed config, suite, name, description and text), and an unknown preset is one line, exit 3.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { pith, ROOT } from '../helpers.ts';

it('presets show prints the file; --json prints the config as JSON', async () => {
  const text = await readFile(join(ROOT, 'presets/trixie/base.yaml'), 'utf8');
  const plain = await pith(['presets', 'show', 'base']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, text);
  const json = await pith(['presets', 'show', 'bookworm/cc', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as {
    suite: string;
    name: string;
    text: string;
    config: Record<string, unknown>;
  };
  assert.equal(report.suite, 'bookworm');
  assert.equal(report.name, 'cc');
  assert.equal(report.config['suite'], 'bookworm');
  assert.ok(Array.isArray(report.config['packages']));
  assert.equal(report.text, await readFile(join(ROOT, 'presets/bookworm/cc.yaml'), 'utf8'));
  const missing = await pith(['presets', 'show', 'nope', '--json']);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^pith: no preset trixie\/nope \(presets: .*trixie\/base.*\)\n$/);
  assert.equal(JSON.parse(missing.stdout).error.code, 'NO_SUCH_PRESET');
});
