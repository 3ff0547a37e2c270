// The policy gate (issue 10, point 5, the fast half; pith's own base:nonroot passing is in
// test/e2e/policy.test.ts): an unpinned, root, shell-carrying image fails with one line per broken rule
// and exit 6; an image that keeps the rules passes; a policy that does not match its schema is refused at
// its file:line:col; SARIF lists the failed rules and validates.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { bytesEntry } from '../../src/tar/index.ts';
import { ROOT, pith as runPith, tempDir } from '../helpers.ts';
import { entriesLayout } from '../layout-helpers.ts';
import { sarifValidator } from '../sarif-helpers.ts';

const STRICT_POLICY = join(ROOT, 'test', 'fixtures', 'policy', 'strict.yaml');

it('an unpinned, root, shell-carrying image fails each rule it breaks; a clean one passes', async (t) => {
  const dir = await tempDir(t);
  const policy = STRICT_POLICY;
  const bad = await entriesLayout(
    dir,
    'bad',
    {
      config: { User: 'root' },
      annotations: { 'org.opencontainers.image.base.name': 'registry.invalid/library/debian:bookworm' },
    },
    [bytesEntry('bin/sh', Buffer.from('ELF')), bytesEntry('usr/bin/apt-get', Buffer.from('ELF'))],
  );
  const good = await entriesLayout(
    dir,
    'good',
    {
      config: { User: '65532:65532', Entrypoint: ['/app'] },
      annotations: {
        'org.opencontainers.image.base.name': 'pith/base:nonroot',
        'org.opencontainers.image.base.digest': `sha256:${'a'.repeat(64)}`,
      },
    },
    [bytesEntry('app', Buffer.from('ELF'))],
  );

  const r = await runPith([
    'policy',
    'check',
    bad,
    '--policy',
    policy,
    '--sarif',
    join(dir, 'policy.sarif'),
    '-q',
  ]);
  assert.equal(r.code, 6, r.stderr);
  const lines = r.stdout.trim().split('\n').slice(1);
  assert.match(lines[1]!, /^ {2}PASS maxSize\.compressed: \d+ B \(limit 50\.0 MiB\)$/);
  assert.deepEqual(
    [lines[0], ...lines.slice(2)],
    [
      '  FAIL basePinned: base registry.invalid/library/debian:bookworm named without a digest',
      '  FAIL nonRoot: runs as root (User "root")',
      '  FAIL noShell: shells: /bin/sh',
      '  FAIL noPackageManager: package managers: /usr/bin/apt-get',
      '  PASS findings.deny: none of the denied findings',
      '  FAIL findings.max: 1 high (at most 0)',
    ],
  );
  assert.match(r.stderr, /^pith: 5 policy rule\(s\) failed for /m);
  const sarif = JSON.parse(await readFile(join(dir, 'policy.sarif'), 'utf8')) as {
    runs: { results: { ruleId: string }[] }[];
  };
  const validate = sarifValidator();
  assert.ok(validate(structuredClone(sarif)), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.deepEqual(
    sarif.runs[0]!.results.map((x) => x.ruleId),
    [
      'policy/basePinned',
      'policy/nonRoot',
      'policy/noShell',
      'policy/noPackageManager',
      'policy/findings.max',
    ],
  );

  const report = await createPith({ cacheDir: join(dir, 'cache'), env: {}, offline: true }).policyCheck({
    reference: good,
    policy,
  });
  assert.equal(report.pass, true, JSON.stringify(report.images[0]?.results));
  const ok = await runPith(['policy', 'check', good, '--policy', policy, '--offline', '-q']);
  assert.equal(ok.code, 0, ok.stderr);
});

it('a policy that does not match its schema is refused at file:line:col, exit 3', async (t) => {
  const dir = await tempDir(t);
  const policy = join(dir, 'policy.yaml');
  await writeFile(policy, 'nonRoot: true\nmaxSize:\n  compressed: fifty megs\nnoShel: true\n');
  const r = await runPith(['policy', 'check', 'oci:/nonexistent', '--policy', policy, '-q']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /policy\.yaml:3:15: maxSize\.compressed/);
  const json = await runPith(['policy', 'check', 'oci:/nonexistent', '--policy', policy, '--json', '-q']);
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'POLICY_INVALID');
  assert.match(r.stderr, /policy\.yaml:4:1: .*noShel/);
});

it('approvedBases match the base by name, with or without its tag, and by digest when listed', async (t) => {
  const dir = await tempDir(t);
  const digest = `sha256:${'b'.repeat(64)}`;
  const ref = await entriesLayout(
    dir,
    'app',
    {
      config: { User: '65532' },
      annotations: {
        'org.opencontainers.image.base.name': 'registry.example/distroless/static:nonroot',
        'org.opencontainers.image.base.digest': digest,
      },
    },
    [bytesEntry('app', Buffer.from('ELF'))],
  );
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {}, offline: true });
  const check = async (yaml: string) => {
    const policy = join(dir, 'p.yaml');
    await writeFile(policy, yaml);
    return (await pith.policyCheck({ reference: ref, policy })).images[0]!.results[0]!;
  };
  assert.equal((await check('approvedBases:\n  - name: registry.example/distroless/static\n')).pass, true);
  assert.equal((await check('approvedBases:\n  - name: "registry.example/distroless/*"\n')).pass, true);
  assert.equal(
    (await check(`approvedBases:\n  - name: "registry.example/*"\n    digests: ["${digest}"]\n`)).pass,
    true,
  );
  const wrongDigest = await check(
    `approvedBases:\n  - name: "registry.example/*"\n    digests: ["sha256:${'c'.repeat(64)}"]\n`,
  );
  assert.deepEqual(
    [wrongDigest.pass, wrongDigest.detail],
    [false, `base registry.example/distroless/static:nonroot@${digest}`],
  );
  assert.equal((await check('approvedBases:\n  - name: other/*\n')).pass, false);
});
