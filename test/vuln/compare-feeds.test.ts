// pith compare with a feed counts each image's CVEs by severity exactly as pith scan does (one pass over
// the layers serves the audit columns and the match), and the Markdown table gains the CVE column.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compareHtml, comparisonTable } from '../../src/api/index.ts';
import { tempDir } from '../helpers.ts';
import { importedImage, OSV_DIR, TRACKER, TRIXIE_PACKAGES } from './helpers.ts';

it('compare --feed counts CVEs as scan does', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const scanned = await pith.scan({ reference: layout, feeds: [TRACKER, OSV_DIR] });
  const compared = await pith.compare({ references: [layout], feeds: [TRACKER, OSV_DIR] });
  assert.deepEqual(compared.images[0]!.vulnerabilities, scanned.images[0]!.counts);
  const { header, rows } = comparisonTable(compared.images);
  assert.equal(header[2], 'CVEs (C/H/M/L)');
  const c = scanned.images[0]!.counts;
  assert.equal(rows[0]![2], `${c.critical}/${c.high}/${c.medium}/${c.low}`);
  assert.match(await compareHtml(compared), /CVEs \(C\/H\/M\/L\)/);
  const without = await pith.compare({ references: [layout] });
  assert.equal(without.images[0]!.vulnerabilities, undefined);
});
