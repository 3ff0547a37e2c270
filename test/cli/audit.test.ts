// pith audit at the command line: the table names shells and the user, --json carries the findings,
// --fail-on exits 6 (a failed check) with one line, --sarif writes SARIF 2.1.0 that the official schema
// accepts, and an unknown severity is a usage error (exit 2).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { pith, tempDir } from '../helpers.ts';
import { importTree, writeTree } from '../rootfs-helpers.ts';
import { sarifValidator } from '../sarif-helpers.ts';

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    results: {
      ruleId: string;
      level: string;
      locations: {
        physicalLocation: { artifactLocation: { uri: string } };
        logicalLocations: { name: string }[];
      }[];
    }[];
  }[];
}

it('table, --json, --fail-on and a bad severity', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'root');
  await writeTree(root, { 'bin/sh': 'ELF', 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n' });
  const { layout } = await importTree(dir, root);
  const table = await pith(['audit', layout]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /shell +yes: \/bin\/sh/);
  assert.match(table.stdout, /user +root/);
  assert.match(table.stdout, /high +PITH-A003 +runs as root/);
  const failed = await pith(['audit', layout, '--json', '--fail-on', 'medium']);
  assert.equal(failed.code, 6, failed.stderr);
  assert.match(failed.stderr, /^pith: 2 audit finding\(s\) of severity medium or worse$/m);
  const report = JSON.parse(failed.stdout) as {
    images: { findings: { id: string }[]; layers?: { digest: string }[] }[];
  };
  assert.deepEqual(
    report.images[0]?.findings.map((f) => f.id),
    ['PITH-A003', 'PITH-A001', 'PITH-A009', 'PITH-A010'],
  );
  // --sarif: valid SARIF 2.1.0, each result located at its path, with the layer's digest
  const sarifFile = join(dir, 'audit.sarif');
  const withSarif = await pith(['audit', layout, '--sarif', sarifFile, '-q']);
  assert.equal(withSarif.code, 0, withSarif.stderr);
  const sarif = JSON.parse(await readFile(sarifFile, 'utf8')) as SarifLog;
  const validate = sarifValidator();
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
  const shell = sarif.runs[0]!.results.find((r) => r.ruleId === 'PITH-A001')!;
  assert.equal(shell.locations[0]!.physicalLocation.artifactLocation.uri, 'bin/sh');
  assert.equal(shell.locations[0]!.logicalLocations[0]!.name, report.images[0]?.layers?.[0]?.digest);
  assert.equal(shell.level, 'warning');
  assert.deepEqual(
    sarif.runs[0]!.tool.driver.rules.map((r) => r.id),
    ['PITH-A001', 'PITH-A003', 'PITH-A009', 'PITH-A010'],
  );

  const bad = await pith(['audit', layout, '--fail-on', 'severe']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--fail-on severe: use one of high, medium, low, info/);
});
