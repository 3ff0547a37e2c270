// Maven packages against OSV's Maven ecosystem: versions ordered as Maven orders them (maven-version.ts;
// checked pair by pair against Maven itself in test/e2e/maven-oracle.test.ts), artifacts named
// `group:artifact` as OSV names them, from a CycloneDX SBOM's pkg:maven purls.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { compareMavenVersions } from '../../src/vuln/maven-version.ts';
import { tempDir } from '../helpers.ts';

it('orders versions as the POM reference describes', () => {
  // each version sorts strictly before the next
  const ascending = [
    '1-alpha-1',
    '1-alpha-2',
    '1-beta',
    '1-milestone-1',
    '1-rc',
    '1-snapshot',
    '1',
    '1-sp',
    '1-abc',
    '1-1',
    '1.1',
    '1.2',
    '1.10',
    '2.0-beta9',
    '2.0',
    '2.12.2',
    '2.13.0',
    '2.14.1',
    '2.15.0',
  ];
  for (let i = 1; i < ascending.length; i++)
    assert.ok(
      compareMavenVersions(ascending[i - 1]!, ascending[i]!) < 0,
      `${ascending[i - 1]} < ${ascending[i]}`,
    );
  // and these are the same version
  for (const [a, b] of [
    ['1', '1.0.0'],
    ['1.0', '1-0'],
    ['1-ga', '1'],
    ['1.0.final', '1'],
    ['1-cr1', '1-rc1'],
    ['1.0-a1', '1.0-alpha-1'],
    ['1.0-RC1', '1.0-rc1'],
  ] as const)
    assert.equal(compareMavenVersions(a, b), 0, `${a} = ${b}`);
});

it('a Maven artifact in an SBOM matches its OSV record by group:artifact, with Maven’s ordering', async (t) => {
  const dir = await tempDir(t);
  const record = {
    schema_version: '1.7.4',
    id: 'GHSA-mmmm-vvvv-nnnn',
    aliases: ['CVE-2026-0101'],
    modified: '2026-11-30T00:00:00Z',
    summary: 'remote lookup in a logging library',
    affected: [
      {
        package: { ecosystem: 'Maven', name: 'org.example.logging:logging-core' },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [
              { introduced: '2.0-beta9' },
              { fixed: '2.12.2' },
              { introduced: '2.13.0' },
              { fixed: '2.15.0' },
            ],
          },
        ],
      },
    ],
    database_specific: { severity: 'CRITICAL' },
  };
  const feed = join(dir, 'GHSA-mmmm-vvvv-nnnn.json');
  await writeFile(feed, JSON.stringify(record));
  const versions = ['2.0-alpha1', '2.0-beta9', '2.0', '2.12.2', '2.13.0', '2.14.1', '2.15.0', '2.15.0-rc1'];
  const components = versions.map((v) => ({
    type: 'library',
    'bom-ref': `pkg:maven/org.example.logging/logging-core@${v}`,
    group: 'org.example.logging',
    name: 'logging-core',
    version: v,
    purl: `pkg:maven/org.example.logging/logging-core@${v}`,
  }));
  // the same artifact name in another group is another package
  components.push({
    ...components[5]!,
    'bom-ref': 'other',
    group: 'org.other',
    purl: 'pkg:maven/org.other/logging-core@2.14.1',
  });
  const sbom = join(dir, 'app.cdx.json');
  await writeFile(
    sbom,
    JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components }),
  );
  const report = await createPith({ cacheDir: join(dir, 'cache') }).scan({ sbom, feeds: [feed] });
  const rows = report.images[0]!.findings.map(
    (f) => `${f.package.name}@${f.package.version} ${f.id} ${f.state} ${f.fixedVersion} ${f.severity}`,
  );
  assert.deepEqual(rows.sort(), [
    'org.example.logging:logging-core@2.0 CVE-2026-0101 fixed 2.12.2 critical',
    'org.example.logging:logging-core@2.0-beta9 CVE-2026-0101 fixed 2.12.2 critical',
    'org.example.logging:logging-core@2.13.0 CVE-2026-0101 fixed 2.15.0 critical',
    'org.example.logging:logging-core@2.14.1 CVE-2026-0101 fixed 2.15.0 critical',
    'org.example.logging:logging-core@2.15.0-rc1 CVE-2026-0101 fixed 2.15.0 critical',
  ]);
});
