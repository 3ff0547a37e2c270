// pith lint (issue 10, point 6) on a corpus of 18 Dockerfiles, the seed articles' examples among them,
// gives exactly the expected findings (test/fixtures/dockerfiles/expected.txt), in one run of the command
// line; its SARIF validates against the SARIF 2.1.0 schema; exit codes follow --fail-on; the messages say
// what is wrong where (shell form on a base without a shell, the image that is not pinned).
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import type { LintReport } from '../../src/api/index.ts';
import { pith, ROOT, tempDir } from '../helpers.ts';
import { sarifValidator } from '../sarif-helpers.ts';

const DIR = join(ROOT, 'test', 'fixtures', 'dockerfiles');
const APPROVED = [
  'registry.example/distroless/*',
  'golang',
  'python',
  'node',
  'rust',
  'debian',
  'alpine',
].flatMap((a) => ['--approved', a]);

it('the corpus gives exactly the expected findings; SARIF validates; --fail-on sets the exit code', async (t) => {
  const dir = await tempDir(t);
  const files = (await readdir(DIR)).filter((n) => n.endsWith('.Dockerfile')).sort();
  assert.ok(files.length >= 15, `${files.length} Dockerfiles`);
  const expected = new Map(
    (await readFile(join(DIR, 'expected.txt'), 'utf8'))
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const [file, list = ''] = l.split(':');
        return [
          file!,
          list
            .split('|')
            .map((x) => x.trim())
            .filter(Boolean),
        ];
      }),
  );
  assert.deepEqual([...expected.keys()].sort(), files, 'every Dockerfile has its expectation');

  const sarifFile = join(dir, 'lint.sarif');
  const r = await pith(
    ['lint', ...files, ...APPROVED, '--json', '--sarif', sarifFile, '--fail-on', 'none', '-q'],
    { cwd: DIR },
  );
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as LintReport;
  for (const file of files)
    assert.deepEqual(
      report.findings.filter((f) => f.file === file).map((f) => `${f.line} ${f.id}`),
      expected.get(file),
      file,
    );
  const shellForm = report.findings.find((f) => f.file.startsWith('05-'))!;
  assert.match(
    shellForm.message,
    /needs \/bin\/sh, which registry\.example\/distroless\/static-debian12:nonroot does not have/,
  );

  const sarif = JSON.parse(await readFile(sarifFile, 'utf8')) as { runs: { results: unknown[] }[] };
  const validate = sarifValidator();
  assert.ok(validate(structuredClone(sarif)), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(sarif.runs[0]!.results.length, report.findings.length);

  // exit codes: the good Dockerfile passes at the default threshold; warnings fail it; info alone does not
  assert.equal((await pith(['lint', '06-good-pinned-nonroot.Dockerfile', '-q'], { cwd: DIR })).code, 0);
  const failed = await pith(['lint', '09-root-user.Dockerfile', '-q'], { cwd: DIR });
  assert.equal(failed.code, 6, failed.stderr);
  assert.match(failed.stdout, /^09-root-user\.Dockerfile:3 PITH-D004 warning: USER root$/m);
  assert.match(failed.stderr, /^pith: 1 lint finding\(s\) of severity warning or worse$/m);
  assert.equal(
    (await pith(['lint', '09-root-user.Dockerfile', '--fail-on', 'error', '-q'], { cwd: DIR })).code,
    0,
  );
  // approved bases from a policy file
  const policy = join(dir, 'policy.yaml');
  await writeFile(policy, 'approvedBases:\n  - name: debian\n');
  const approved = await pith(
    [
      'lint',
      '09-root-user.Dockerfile',
      '08-ubuntu-apt.Dockerfile',
      '--policy',
      policy,
      '--json',
      '--fail-on',
      'none',
      '-q',
    ],
    { cwd: DIR },
  );
  const d002 = (JSON.parse(approved.stdout) as LintReport).findings.filter((f) => f.id === 'PITH-D002');
  assert.deepEqual(
    d002.map((f) => `${f.file} ${f.message}`),
    ['08-ubuntu-apt.Dockerfile FROM ubuntu is not an approved base'],
  );
  const missing = await pith(['lint', 'no-such.Dockerfile', '-q'], { cwd: DIR });
  assert.equal(missing.code, 3, missing.stderr);
});
