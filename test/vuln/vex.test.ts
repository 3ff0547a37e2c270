// OpenVEX (issue 9, point 5): a statement suppresses exactly its finding — the vulnerability, the image
// (by digest) and the package (versionless purl) must all match — and `--show-suppressed` keeps the
// justification; `pith vex` writes a document from a triage file that the official OpenVEX JSON schema
// accepts, whose products are the image's pkg:oci purl, that is deterministic and that suppresses what it
// triaged when read back. The scan's CycloneDX output validates against CycloneDX 1.6; SARIF is 2.1.0.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { Finding } from '../../src/api/index.ts';
import { pith as cli, ROOT, tempDir } from '../helpers.ts';
import { sarifValidator } from '../sarif-helpers.ts';
import { cycloneDxValidator } from '../sbom/helpers.ts';
import { importedImage, OSV_DIR, TRACKER, TRIXIE_PACKAGES } from './helpers.ts';

const SCHEMA = join(ROOT, 'test', 'fixtures', 'schemas', 'openvex_json_schema.json');

function openVexValidator() {
  const text = readFileSync(SCHEMA);
  assert.equal(
    createHash('sha256').update(text).digest('hex'),
    '9373597734ed1d3ea5161a8b46d3866c4a8cfe76fd632fdd16aef01fb34b3238',
  );
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  // an IRI as RFC 3987 has it: a scheme, a colon, no white space (purls and URNs included)
  ajv.addFormat('iri', /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/);
  return ajv.compile(JSON.parse(text.toString('utf8')));
}

const key = (f: Finding) => `${f.package.name} ${f.id}`;

it('a VEX statement suppresses exactly its finding, and says why', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const plain = await pith.scan({ reference: layout, feeds: [TRACKER] });
  const digest = plain.digest;
  const other = `sha256:${'0'.repeat(64)}`;
  const vex = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://example.test/vex-1',
    author: 'test',
    timestamp: '2026-11-30T00:00:00Z',
    version: 1,
    statements: [
      {
        vulnerability: { name: 'CVE-2026-0011' },
        products: [
          { '@id': `pkg:oci/image@${digest}`, subcomponents: [{ '@id': 'pkg:deb/debian/libbar2' }] },
        ],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impact_statement: 'bar is only linked, never called',
      },
      {
        // only the openssl binary, not libssl3t64 of the same source
        vulnerability: { name: 'CVE-2026-0001' },
        products: [
          { '@id': `pkg:oci/image@${digest}`, subcomponents: [{ '@id': 'pkg:deb/debian/openssl' }] },
        ],
        status: 'fixed',
      },
      {
        // another image's digest: no effect here
        vulnerability: { name: 'CVE-2026-0007' },
        products: [{ '@id': `pkg:oci/image@${other}` }],
        status: 'not_affected',
        justification: 'component_not_present',
      },
      {
        // affected is no suppression
        vulnerability: { name: 'CVE-2026-0008' },
        products: [{ '@id': `pkg:oci/image@${digest}` }],
        status: 'affected',
        action_statement: 'upgrade when a point release has it',
      },
    ],
  };
  const file = join(dir, 'vex.json');
  await writeFile(file, JSON.stringify(vex));
  const report = await pith.scan({ reference: layout, feeds: [TRACKER], vex: [file] });
  const img = report.images[0]!;
  assert.deepEqual(img.suppressed.map(key).sort(), ['libbar2 CVE-2026-0011', 'openssl CVE-2026-0001']);
  assert.deepEqual(
    img.findings.map(key).sort(),
    plain.images[0]!.findings.map(key)
      .filter((k) => !img.suppressed.map(key).includes(k))
      .sort(),
  );
  const bar = img.suppressed.find((f) => f.id === 'CVE-2026-0011')!;
  assert.deepEqual(bar.vex, {
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
    statement: 'bar is only linked, never called',
    document: file,
  });

  // the CLI: the table lists the suppressed ones on request; --fail-on exits 6
  const shown = await cli([
    'scan',
    layout,
    '--feed',
    TRACKER,
    '--vex',
    file,
    '--show-suppressed',
    '--fail-on',
    'high',
    '--cache-dir',
    join(dir, 'cache'),
  ]);
  assert.equal(shown.code, 6, shown.stderr);
  assert.match(
    shown.stdout,
    /suppressed by VEX:\n.*\n.*CVE-2026-0011 +libbar2 .*not_affected vulnerable_code_not_in_execute_path/,
  );
  assert.match(shown.stderr, /finding\(s\) of severity high or worse/);
  // a bad severity is named
  await assert.rejects(pith.scan({ reference: layout, feeds: [TRACKER], severities: ['severe' as 'high'] }), {
    code: 'BAD_SEVERITY',
    message: /severity severe: use one of critical, high/,
  });
});

it('pith vex writes OpenVEX the schema accepts, deterministically, and it suppresses what was triaged', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const triage = join(dir, 'triage.yaml');
  await writeFile(
    triage,
    [
      'author: Security Team <security@example.test>',
      'statements:',
      '  - vulnerability: CVE-2026-0011',
      '    status: not_affected',
      '    justification: vulnerable_code_not_present',
      '  - vulnerability: CVE-2026-0017',
      '    status: under_investigation',
      '  - vulnerability: CVE-2026-0002',
      '    status: affected',
      '    action_statement: rebuild with shadow 1:4.16.0-3',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'image.vex.json');
  const report = await pith.vex({
    reference: layout,
    triage,
    feeds: [TRACKER, OSV_DIR],
    output: out,
    epoch: 1764547200,
  });
  assert.equal(report.triaged, 3);
  type Statement = {
    vulnerability: { name: string };
    products: { '@id': string; subcomponents?: { '@id': string }[] }[];
  };
  const doc = JSON.parse(await readFile(out, 'utf8')) as {
    '@context': string;
    timestamp: string;
    statements: Statement[];
  };
  const validate = openVexValidator();
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  assert.equal(doc['@context'], 'https://openvex.dev/ns/v0.2.0');
  assert.equal(doc.timestamp, '2025-12-01T00:00:00Z');
  const inv = await pith.inventory(layout);
  const bar = doc.statements.find((s) => s.vulnerability.name === 'CVE-2026-0011');
  assert.deepEqual(bar?.products, [
    {
      '@id': `pkg:oci/image@${inv.digest}`,
      subcomponents: [
        { '@id': 'pkg:deb/debian/libbar2@1.2-3%2Bdeb13u1?arch=amd64&distro=debian-13&upstream=bar' },
      ],
    },
  ]);
  const lodash = doc.statements.find((s) => s.vulnerability.name === 'CVE-2026-0017');
  assert.deepEqual(lodash?.products[0]?.subcomponents, [{ '@id': 'pkg:npm/lodash@4.17.20' }]);
  // the same inputs give the same bytes
  const again = await pith.vex({ reference: layout, triage, feeds: [TRACKER, OSV_DIR], epoch: 1764547200 });
  assert.equal(again.json, await readFile(out, 'utf8'));
  // read back: only the not_affected one is suppressed
  const scanned = await pith.scan({ reference: layout, feeds: [TRACKER, OSV_DIR], vex: [out] });
  assert.deepEqual(scanned.images[0]!.suppressed.map(key), ['libbar2 CVE-2026-0011']);

  // a triage mistake names its line and column
  await writeFile(triage, 'statements:\n  - vulnerability: CVE-1\n    status: not_affected\n');
  await assert.rejects(pith.vex({ reference: layout, triage }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'TRIAGE_INVALID');
    assert.match(
      err.message,
      /triage\.yaml:2:5: statements\[0\]\.justification: not_affected needs a justification/,
    );
    return true;
  });
});

it('the scan as a CycloneDX 1.6 vulnerability BOM and as SARIF 2.1.0', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const cdx = await pith.scan({
    reference: layout,
    feeds: [TRACKER, OSV_DIR],
    document: 'cyclonedx',
    epoch: 0,
  });
  const bom = JSON.parse(cdx.document ?? '') as {
    vulnerabilities: { id: string; ratings: unknown; affects: unknown }[];
  };
  const validate = cycloneDxValidator('1.6');
  assert.ok(validate(bom), JSON.stringify(validate.errors, null, 2));
  const lodash = bom.vulnerabilities.find((v) => v.id === 'CVE-2026-0017');
  assert.deepEqual(lodash?.ratings, [
    {
      severity: 'high',
      method: 'CVSSv31',
      score: 7.2,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
    },
  ]);
  assert.deepEqual(lodash?.affects, [
    { ref: 'pkg:npm/lodash@4.17.20', versions: [{ version: '4.17.20', status: 'affected' }] },
  ]);

  const scanned = await pith.scan({ reference: layout, feeds: [TRACKER], document: 'sarif' });
  const sarif = JSON.parse(scanned.document ?? '');
  assert.equal(sarif.version, '2.1.0');
  const validSarif = sarifValidator();
  assert.ok(validSarif(JSON.parse(scanned.document ?? '')), JSON.stringify(validSarif.errors?.slice(0, 3)));
  const results = sarif.runs[0].results;
  assert.equal(results.length, 10);
  const ssl = results.find(
    (r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      r.ruleId === 'CVE-2026-0001' &&
      r.locations[0]?.physicalLocation.artifactLocation.uri === 'var/lib/dpkg/status',
  );
  assert.equal(ssl?.level, 'error');
});
