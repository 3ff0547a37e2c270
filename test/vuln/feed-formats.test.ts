// The other shapes feeds and SBOMs come in: OSV as a zip export (made by `zip`, as osv.dev's all.zip is),
// OSV as a JSON array, gzip-compressed tracker JSON; pith scan --sbom on pith's own CycloneDX and SPDX
// SBOMs gives the image scan's findings; the config's scan.feeds is the default; and the release table
// agrees with distro-info-data's debian.csv (the oracle osv.dev reads).
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Finding, ScanReport } from '../../src/api/index.ts';
import { DEBIAN_RELEASES } from '../../src/vuln/index.ts';
import { run, tempDir } from '../helpers.ts';
import { importedImage, OSV_DIR, TRACKER, TRIXIE_PACKAGES } from './helpers.ts';

const rows = (r: ScanReport) =>
  (r.images[0]?.findings ?? [])
    .map((f: Finding) => `${f.package.purl} ${f.id} ${f.state} ${f.fixedVersion ?? '-'}`)
    .sort();

it('OSV as a zip export or a JSON array, and gzip tracker JSON, match as the plain files do', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const plain = await pith.scan({ reference: layout, feeds: [TRACKER, OSV_DIR] });
  const zipFile = join(dir, 'all.zip');
  const zip = await run('zip', [
    '-q',
    '-j',
    zipFile,
    ...(await readdir(OSV_DIR)).map((n) => join(OSV_DIR, n)),
  ]);
  assert.equal(zip.code, 0, zip.stderr);
  const gz = join(dir, 'tracker.json.gz');
  await writeFile(gz, gzipSync(await readFile(TRACKER)));
  const zipped = await pith.scan({ reference: layout, feeds: [gz, zipFile] });
  assert.deepEqual(rows(zipped), rows(plain));
  assert.deepEqual(
    zipped.feeds.map((f) => [f.format, f.entries]),
    [
      ['debian-tracker', 6],
      ['osv', 5],
    ],
  );
  const array = join(dir, 'osv.json');
  const records = await Promise.all(
    (await readdir(OSV_DIR)).map(async (n) => JSON.parse(await readFile(join(OSV_DIR, n), 'utf8'))),
  );
  await writeFile(array, JSON.stringify(records));
  assert.deepEqual(rows(await pith.scan({ reference: layout, feeds: [TRACKER, array] })), rows(plain));
  // a corrupt zip is named
  await writeFile(zipFile, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64)]));
  await assert.rejects(pith.scan({ reference: layout, feeds: [zipFile] }), { code: 'ZIP_INVALID' });
});

it('pith scan --sbom on pith’s CycloneDX and SPDX SBOMs finds what the image scan finds', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const image = await pith.scan({ reference: layout, feeds: [TRACKER, OSV_DIR] });
  for (const format of ['cyclonedx', 'spdx'] as const) {
    const file = join(dir, `sbom.${format}.json`);
    await pith.sbom({ reference: layout, format, output: file });
    const fromSbom = await pith.scan({ sbom: file, feeds: [TRACKER, OSV_DIR] });
    assert.deepEqual(rows(fromSbom), rows(image), format);
    assert.equal(fromSbom.digest, image.digest, format);
  }
  await assert.rejects(pith.scan({ feeds: [TRACKER] }), { code: 'SCAN_TARGET' });
});

it('the config’s scan.feeds is the default, paths relative to the config', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const config = join(dir, 'pith.yaml');
  await writeFile(config, `scan:\n  feeds: [${JSON.stringify(TRACKER)}]\n  ignoreUnfixed: true\n`);
  const report = await pith.scan({ reference: layout, config });
  assert.equal(report.feeds[0]?.name, TRACKER);
  assert.ok(report.images[0]!.findings.length > 0);
  assert.ok(report.images[0]!.findings.every((f) => f.state === 'fixed'));
});

it('Debian release numbers, codenames and support dates agree with distro-info-data', async () => {
  const csv = await readFile('/usr/share/distro-info/debian.csv', 'utf8');
  const byCodename = new Map(
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .map((f) => [f[2], { version: f[0] || undefined, eol: f[5] || undefined, eolLts: f[6] || undefined }]),
  );
  for (const r of DEBIAN_RELEASES) {
    const oracle = byCodename.get(r.codename);
    assert.ok(oracle, r.codename);
    assert.deepEqual({ version: r.version, eol: r.eol, eolLts: r.eolLts }, oracle, r.codename);
  }
});
