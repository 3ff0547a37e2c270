// Vulnerability matching (issue 9, point 4) on checked-in excerpts of the Debian security tracker JSON and
// of OSV records, in their real formats, against an imported image whose packages aim at the edge cases:
// an epoch (on the binary, on the source, missing from a fixed version), `~`, `+deb13u1`, binary vs
// source names, no-DSA / postponed / ignored / undetermined / never-affected issues, end-of-life, a fix
// only in the security suite, a release the record is not for, one CVE from two feeds, npm and PyPI. The
// tracker is also served from 127.0.0.1: fetched once, revalidated with If-None-Match, and used from the
// cache when the server is gone.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { it } from 'node:test';
import type { Finding, PithEvent, ScanReport } from '../../src/api/index.ts';
import { tempDir } from '../helpers.ts';
import { importedImage, OSV_DIR, TRACKER, TRIXIE_PACKAGES } from './helpers.ts';

const row = (f: Finding) =>
  [f.package.name, f.id, f.state, f.fixedVersion ?? '-', f.fixedIn ?? '-', f.severity].join(' ');

const findings = (r: ScanReport) => (r.images[0]?.findings ?? []).map(row).sort();

const EXPECTED_TRIXIE = [
  'libbar2 CVE-2026-0007 fixed 1.2-3+deb13u2 trixie-security medium',
  'libbar2 CVE-2026-0008 will_not_fix - - low',
  'libbar2 CVE-2026-0009 fix_deferred - - medium',
  'libbar2 CVE-2026-0010 will_not_fix - - negligible',
  'libbar2 CVE-2026-0011 affected - - high',
  'libbar2 CVE-2026-0016 fixed 1.2-3+deb13u3 - unknown',
  'libfoo1 CVE-2026-0004 fixed 2.0-1 trixie medium',
  'libssl3t64 CVE-2026-0001 fixed 3.5.1-1+deb13u1 trixie-security high',
  'lodash CVE-2026-0017 fixed 4.17.21 - high',
  'login CVE-2026-0002 fixed 1:4.16.0-3 trixie low',
  'oldlib CVE-2026-0014 end_of_life - - unknown',
  'openssl CVE-2026-0001 fixed 3.5.1-1+deb13u1 trixie-security high',
  'requests CVE-2026-0018 fixed 2.32.0rc1 - medium',
];

it('the tracker and OSV excerpts give each edge case its state, once per package', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const report = await pith.scan({ reference: layout, feeds: [TRACKER, OSV_DIR] });
  assert.deepEqual(findings(report), EXPECTED_TRIXIE);
  const img = report.images[0]!;
  // one CVE, two feeds: the tracker's word, OSV's id as an alias
  const ssl = img.findings.find((f) => f.package.name === 'libssl3t64')!;
  assert.deepEqual(ssl.aliases, ['DEBIAN-CVE-2026-0001']);
  assert.equal(ssl.package.source?.name, 'openssl');
  assert.match(
    ssl.package.purl,
    /^pkg:deb\/debian\/libssl3t64@3\.5\.1-1\?arch=amd64&distro=debian-13&upstream=openssl$/,
  );
  // a DSA naming one CVE is reported as that CVE
  assert.deepEqual(img.findings.find((f) => f.id === 'CVE-2026-0016')?.aliases, ['DSA-9999-1']);
  // OSV severity from the CVSS vector, and the PyPI record's other ids kept
  assert.equal(img.findings.find((f) => f.package.name === 'lodash')?.cvssScore, 7.2);
  assert.deepEqual(img.findings.find((f) => f.package.name === 'requests')?.aliases, [
    'GHSA-dddd-eeee-ffff',
    'PYSEC-2026-1',
  ]);
  assert.equal(img.findings.find((f) => f.id === 'CVE-2026-0008')?.note, 'Minor issue');
  assert.deepEqual(img.counts, { critical: 0, high: 4, medium: 4, low: 2, negligible: 1, unknown: 2 });
  assert.deepEqual(img.release, {
    codename: 'trixie',
    version: '13',
    supportEnds: '2030-06-30',
    outOfSupport: false,
  });
  assert.deepEqual(
    report.feeds.map((f) => [f.format, f.entries]),
    [
      ['debian-tracker', 6],
      ['osv', 5],
    ],
  );
  // with feeds and no --updates, the suite is not read (this image's suite is nowhere to be had)
  assert.deepEqual(img.updates, []);

  // filters: fixed only; severities
  const fixedOnly = await pith.scan({ reference: layout, feeds: [TRACKER, OSV_DIR], ignoreUnfixed: true });
  assert.ok(fixedOnly.images[0]!.findings.every((f) => f.state === 'fixed'));
  assert.equal(fixedOnly.images[0]!.findings.length, 8);
  const high = await pith.scan({ reference: layout, feeds: [TRACKER], severities: ['high'] });
  assert.deepEqual(findings(high), [
    'libbar2 CVE-2026-0011 affected - - high',
    'libssl3t64 CVE-2026-0001 fixed 3.5.1-1+deb13u1 trixie-security high',
    'openssl CVE-2026-0001 fixed 3.5.1-1+deb13u1 trixie-security high',
  ]);
});

it('an end-of-life release: its findings are end_of_life and the release is out of support', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, {
    codename: 'bullseye',
    versionId: '11',
    packages: [{ name: 'zlib1g', version: '1:1.2.11.dfsg-2+deb11u2', source: 'zlib' }],
  });
  const report = await pith.scan({ reference: layout, feeds: [TRACKER] });
  assert.deepEqual(findings(report), ['zlib1g CVE-2026-0015 end_of_life - - unknown']);
  assert.equal(report.images[0]?.release?.outOfSupport, true);
  assert.equal(report.images[0]?.release?.supportEnds, '2026-08-31');
});

it('a feed URL is fetched once, revalidated with its ETag, and read from the cache when the server is gone', async (t) => {
  const dir = await tempDir(t);
  const body = await readFile(TRACKER);
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers['if-none-match']);
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tracker/data/json`;
  const { layout, pith } = await importedImage(dir, {
    codename: 'trixie',
    versionId: '13',
    packages: TRIXIE_PACKAGES,
  });
  const first = await pith.scan({ reference: layout, feeds: [url] });
  assert.equal(first.feeds[0]?.from, 'network');
  const second = await pith.scan({ reference: layout, feeds: [url] });
  assert.equal(second.feeds[0]?.from, 'cache');
  assert.deepEqual(seen, [undefined, '"v1"']);
  assert.deepEqual(findings(second), findings(first));
  assert.equal(first.images[0]?.findings.length, 10);

  await new Promise<void>((done) => server.close(() => done()));
  const events: PithEvent[] = [];
  const third = await pith.scan({ reference: layout, feeds: [url] }, { onEvent: (e) => events.push(e) });
  assert.deepEqual(findings(third), findings(first));
  const warning = events.find((e) => e.type === 'warning');
  assert.ok(warning?.type === 'warning' && warning.code === 'FEED_FROM_CACHE', JSON.stringify(events));
  assert.ok(!warning.message.includes('user:'), warning.message);

  const offline = (await import('../../src/api/index.ts')).createPith({
    cacheDir: join(dir, 'cache'),
    offline: true,
    env: {},
  });
  assert.deepEqual(findings(await offline.scan({ reference: layout, feeds: [url] })), findings(first));
  await assert.rejects(offline.scan({ reference: layout, feeds: [`${url}?never-fetched=1`] }), {
    code: 'FEED_NOT_CACHED',
  });
});

it('feeds that are not feeds are refused by name', async (t) => {
  const dir = await tempDir(t);
  const { layout, pith } = await importedImage(dir, { codename: 'trixie', versionId: '13', packages: [] });
  const bad = join(dir, 'bad.json');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(bad, JSON.stringify({ hello: 'world' }));
  await assert.rejects(pith.scan({ reference: layout, feeds: [bad] }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'FEED_FORMAT_UNKNOWN');
    assert.ok(err.message.includes(bad), err.message);
    return true;
  });
  await writeFile(
    bad,
    JSON.stringify({ openssl: { 'CVE-1': { releases: { trixie: { status: 'fixed?' } } } } }),
  );
  await assert.rejects(pith.scan({ reference: layout, feeds: [bad] }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'FEED_INVALID');
    assert.match(
      err.message,
      /openssl\.CVE-1\.releases\.trixie\.status: must be resolved, open or undetermined/,
    );
    return true;
  });
  await assert.rejects(pith.scan({ reference: layout, feeds: [join(dir, 'missing.json')] }), {
    code: 'NO_SUCH_FILE',
  });
});
