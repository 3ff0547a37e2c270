// The README's first command on a machine where only the system's Node.js (20 here) and npm are on PATH:
// `npx pith` runs pith on the Node 24 that `npm ci` installed, and npm prints nothing of its own (no
// EBADENGINE warning on every call).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { it } from 'node:test';
import { ROOT, run } from '../helpers.ts';

const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

it('npx pith under the system Node.js runs quietly on the installed Node 24', async () => {
  assert.ok(existsSync('/usr/bin/npx'), 'the system npm provides npx');
  const env = { HOME: process.env['HOME'] ?? '/root', PATH: SYSTEM_PATH };
  const system = await run('node', ['--version'], { env });
  assert.equal(system.code, 0);
  const r = await run('npx', ['pith', '--version'], { cwd: ROOT, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '0.1.0\n');
  assert.equal(r.stderr, '', `npx printed: ${r.stderr} (system node ${system.stdout.trim()})`);
});
