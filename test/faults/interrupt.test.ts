// An interrupted build (SIGTERM, SIGINT while the output is being written) exits 143 or 130, says so,
// and leaves no output and no temporary files, or a complete output when the signal came after the rename.
// In the full suite (test/faults/), not test:fast: it writes 96 MiB twice and waits for the signal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pith, ROOT, tempDir } from '../helpers.ts';

test('an interrupted build leaves no output and no temporary files', async (t) => {
  const dir = await tempDir(t);
  // incompressible, so writing the output takes long enough to be interrupted in the middle
  const big = randomBytes(96 * 1024 * 1024);
  await writeFile(join(dir, 'big.bin'), big);
  await writeFile(join(dir, 'pith.yaml'), 'archs: [amd64]\nfiles:\n  - src: big.bin\n    dst: /big.bin\n');
  let interrupted = 0;
  for (const [output, signal] of [
    ['oci:out/layout', 'SIGTERM'],
    ['docker-archive:out/img.tar', 'SIGINT'],
  ] as const) {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'src/cli/main.ts'), 'build', 'pith.yaml', '--output', output, '-q'],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    // wait (bounded) until the output is being written, then interrupt
    for (let i = 0; i < 2000; i++) {
      const names = await readdir(join(dir, 'out')).catch(() => []);
      if (names.some((n) => n.endsWith('.tmp'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill(signal);
    const code = await exited;
    if (code === 0) continue; // finished before the signal arrived: nothing to check for this round
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, stderr);
    assert.match(stderr, /interrupted/);
    const left = await readdir(join(dir, 'out')).catch(() => [] as string[]);
    assert.deepEqual(
      left.filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary files',
    );
    if (left.length === 0) interrupted++;
    else {
      // the signal came just after the output was renamed into place: it must then be complete
      const v = await pith(['validate', join(dir, 'out', left[0]!)]);
      assert.equal(v.code, 0, `a complete output, or none: ${v.stdout}${v.stderr}`);
      await rm(join(dir, 'out'), { recursive: true, force: true });
    }
  }
  assert.ok(interrupted > 0, 'at least one build was interrupted while writing');
});
