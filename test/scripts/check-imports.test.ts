// scripts/check-imports.ts run as CI runs it (a child process) on the source trees under
// test/fixtures/import-check/: a clean tree passes; a two-file cycle, a forbidden cross-module import and
// a file importing its own module's index, and a light entry that loads a heavy file each fail, naming the
// files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, run } from '../helpers.ts';

const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const SCRIPT = join(ROOT, 'scripts', 'check-imports.ts');

const check = (fixture: string) =>
  run(NODE, [SCRIPT, join(ROOT, 'test', 'fixtures', 'import-check', fixture, 'src')], { timeoutMs: 60_000 });

describe('check-imports', () => {
  it('passes a clean tree', async () => {
    const r = await check('clean');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^import check: ok/);
  });

  it('fails on a cycle of two files, a type-only import included, printing its path', async () => {
    const r = await check('cycle');
    assert.equal(r.code, 1);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'import check failed:',
      '  import cycle: src/util/a.ts → src/util/b.ts → src/util/a.ts',
    ]);
  });

  it('fails on an import another module may not make', async () => {
    const r = await check('forbidden');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /src\/util\/index\.ts: module util may not import module oci/);
    assert.doesNotMatch(r.stderr, /import cycle/);
  });

  it('fails on a light entry (error-codes.ts) that loads a heavy file at run time, not on type-only imports', async () => {
    const r = await check('heavy-light');
    assert.equal(r.code, 1);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'import check failed:',
      '  src/oci/error-codes.ts: a light entry, loads ./name.ts at run time; import only light entries (or use import())',
    ]);
  });

  it("fails on a file importing its own module's index", async () => {
    const r = await check('own-index');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /src\/util\/b\.ts: imports its own module's index \(\.\/index\.ts\)/);
    assert.match(r.stderr, /import cycle: src\/util\/b\.ts → src\/util\/index\.ts → src\/util\/b\.ts/);
  });
});
