// CycloneDX documents from an inventory, checked against the official CycloneDX 1.6 and 1.5 JSON schemas
// (as @cyclonedx/cyclonedx-library ships them), and for what the schema cannot say: the image as the
// metadata component, one OS component per image, purls as bom-refs, the dependency graph, the unowned
// files, unique bom-refs over several platforms, and byte-identical output for the same inventory.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isPithError } from '../../src/api/index.ts';
import {
  CDX_PROPERTIES,
  type CdxComponent,
  type CycloneDxDocument,
  type CycloneDxVersion,
  SBOM_TOOL,
  sbomJson,
  TRIVY_SOURCE_PROPERTIES,
  toCycloneDx,
} from '../../src/sbom/index.ts';
import { ROOT } from '../helpers.ts';
import { cycloneDxValidator, debianImage, debianInventory, digest, multiInventory } from './helpers.ts';

const EPOCH = 1_700_000_000;
const validators = { '1.5': cycloneDxValidator('1.5'), '1.6': cycloneDxValidator('1.6') };

/** The schema errors of a document, serialised and parsed back as a consumer reads it. */
function schemaErrors(doc: unknown, version: CycloneDxVersion): string[] {
  const validate = validators[version];
  if (validate(JSON.parse(JSON.stringify(doc)))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const byRef = (doc: CycloneDxDocument) => new Map(doc.components.map((c) => [c['bom-ref']!, c]));
const prop = (c: CdxComponent, name: string) =>
  c.properties?.filter((p) => p.name === name).map((p) => p.value);
const dependsOn = (doc: CycloneDxDocument, ref: string) =>
  doc.dependencies.find((d) => d.ref === ref)?.dependsOn;

describe('CycloneDX against the official JSON schemas', () => {
  for (const version of ['1.6', '1.5'] as const) {
    it(`single- and multi-platform documents are valid CycloneDX ${version}`, () => {
      for (const inv of [debianInventory(), multiInventory()]) {
        const doc = toCycloneDx(inv, { epoch: EPOCH, specVersion: version });
        assert.equal(doc.specVersion, version);
        assert.equal(doc.$schema, `http://cyclonedx.org/schema/bom-${version}.schema.json`);
        assert.deepEqual(schemaErrors(doc, version), []);
      }
    });
  }

  it('the validator rejects an invalid document (so the checks above can fail)', () => {
    const doc = toCycloneDx(debianInventory(), { epoch: EPOCH }) as unknown as Record<string, unknown>;
    const broken = structuredClone(doc) as {
      components: { type: string; hashes?: unknown }[];
      serialNumber: string;
    };
    broken.components[0]!.type = 'os';
    broken.serialNumber = 'not-a-urn';
    const errors = schemaErrors(broken, '1.6');
    assert.ok(
      errors.some((e) => e.startsWith('/components/0/type')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('/serialNumber')),
      errors.join('\n'),
    );
    const noFormat = structuredClone(doc);
    delete noFormat['bomFormat'];
    assert.ok(schemaErrors(noFormat, '1.5').some((e) => e.includes('bomFormat')));
    const badHash = structuredClone(doc) as { components: { type: string; hashes?: unknown }[] };
    badHash.components.find((c) => c.type === 'file')!.hashes = [{ alg: 'SHA-256', content: 'xyz' }];
    assert.notDeepEqual(schemaErrors(badHash, '1.6'), []);
  });
});

describe('what a CycloneDX document says', () => {
  const inv = debianInventory();
  const doc = toCycloneDx(inv, { epoch: EPOCH });

  it('defaults to 1.6; timestamp from the epoch; pith as the tool, at the version package.json says', () => {
    assert.equal(doc.specVersion, '1.6');
    assert.equal(doc.bomFormat, 'CycloneDX');
    assert.equal(doc.version, 1);
    assert.equal(doc.metadata.timestamp, '2023-11-14T22:13:20Z');
    const pkgJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(SBOM_TOOL.version, pkgJson.version);
    assert.deepEqual(doc.metadata.tools, {
      components: [{ type: 'application', name: 'pith', version: pkgJson.version }],
    });
    // 1.5 keeps the legacy tool list, which readers built for 1.4 and 1.5 (e.g. trivy 0.44) parse
    assert.deepEqual(toCycloneDx(inv, { epoch: EPOCH, specVersion: '1.5' }).metadata.tools, [
      { vendor: 'pith', name: 'pith', version: pkgJson.version },
    ]);
  });

  it('the serial number is a UUID derived from the digest (and spec version), never random', () => {
    assert.match(
      doc.serialNumber,
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(toCycloneDx(inv, { epoch: 0 }).serialNumber, doc.serialNumber);
    assert.notEqual(
      toCycloneDx({ ...inv, digest: digest('f') }, { epoch: EPOCH }).serialNumber,
      doc.serialNumber,
    );
    assert.notEqual(toCycloneDx(inv, { epoch: EPOCH, specVersion: '1.5' }).serialNumber, doc.serialNumber);
  });

  it('the image is metadata.component: a container named without tag, versioned by digest, pkg:oci purl', () => {
    const purl = `pkg:oci/app@${inv.digest}?repository_url=registry.example:5000%2Fteam%2Fapp`;
    assert.deepEqual(doc.metadata.component, {
      type: 'container',
      'bom-ref': purl,
      name: 'registry.example:5000/team/app',
      version: inv.digest,
      hashes: [{ alg: 'SHA-256', content: inv.digest.slice(7) }],
      purl,
    });
    const local = toCycloneDx(debianInventory('oci:out/hello:v1'), { epoch: 0 }).metadata.component;
    assert.equal(local.name, 'out/hello');
    assert.equal(local.purl, `pkg:oci/hello@${inv.digest}`, 'no repository_url for a local layout');
  });

  it('one operating-system component: os-release ID, the point release of debian_version', () => {
    const os = doc.components.filter((c) => c.type === 'operating-system');
    assert.equal(os.length, 1);
    assert.equal(os[0]!.name, 'debian');
    assert.equal(os[0]!.version, '13.2');
    assert.deepEqual(prop(os[0]!, CDX_PROPERTIES.platform), ['linux/amd64']);
    const noPoint = debianImage();
    noPoint.os = { id: 'debian', versionId: '12' };
    const twelve = toCycloneDx({ ...inv, images: [noPoint] }, { epoch: 0 });
    assert.equal(twelve.components.find((c) => c.type === 'operating-system')!.version, '12');
  });

  it('every package: bom-ref = purl, version with epoch, maintainer as supplier and publisher, properties', () => {
    const pkgs = doc.components.filter((c) => c.purl?.startsWith('pkg:deb/'));
    assert.equal(pkgs.length, inv.images[0]!.packages.length);
    for (const c of pkgs) assert.equal(c['bom-ref'], c.purl);
    const libc = pkgs.find((c) => c.name === 'libc6')!;
    assert.equal(libc.type, 'library');
    assert.deepEqual(libc.supplier, {
      name: 'GNU Libc Maintainers',
      contact: [{ email: 'debian-glibc@lists.debian.org' }],
    });
    assert.equal(libc.publisher, 'GNU Libc Maintainers <debian-glibc@lists.debian.org>');
    assert.equal(libc.description, 'GNU C Library: Shared libraries');
    assert.deepEqual(libc.externalReferences, [
      { type: 'website', url: 'https://www.gnu.org/software/libc/libc.html' },
    ]);
    assert.deepEqual(prop(libc, CDX_PROPERTIES.source), ['glibc']);
    assert.deepEqual(prop(libc, CDX_PROPERTIES.sourceVersion), ['2.41-12']);
    // and under trivy's names, which trivy matches CVEs by
    assert.deepEqual(prop(libc, TRIVY_SOURCE_PROPERTIES.name), ['glibc']);
    assert.deepEqual(prop(libc, TRIVY_SOURCE_PROPERTIES.version), ['2.41-12']);
    assert.deepEqual(prop(libc, TRIVY_SOURCE_PROPERTIES.epoch), []);
    assert.deepEqual(prop(libc, CDX_PROPERTIES.database), ['dpkg-status.d']);
    assert.deepEqual(prop(libc, CDX_PROPERTIES.record), ['/var/lib/dpkg/status.d/libc6']);
    assert.deepEqual(prop(libc, CDX_PROPERTIES.installedSize), ['12345']);
    // licences from the DEP-5 copyright file: SPDX ids where known, names otherwise, each once
    assert.deepEqual(libc.licenses, [
      { license: { id: 'LGPL-2.1-or-later' } },
      { license: { name: 'Carnegie' } },
      { license: { id: 'MIT' } },
    ]);
    const zlib = pkgs.find((c) => c.name === 'zlib1g')!;
    assert.equal(zlib.version, '1:1.3.dfsg+really1.3.1-1+b1');
    assert.match(zlib.purl!, /[?&]epoch=1(&|$)/);
    // even a package of programs is a library component: syft and trivy write them so, trivy reads only those
    assert.equal(pkgs.find((c) => c.name === 'bash')!.type, 'library');
    const baseFiles = pkgs.find((c) => c.name === 'base-files')!;
    assert.equal(baseFiles.externalReferences, undefined, 'a Homepage that is no URL is left out');
    assert.equal(baseFiles.supplier, undefined);
  });

  it('dependencies: image → OS → packages; Depends edges to present packages, first present alternative', () => {
    const ref = (name: string) => doc.components.find((c) => c.name === name)!['bom-ref']!;
    const osRef = doc.components.find((c) => c.type === 'operating-system')!['bom-ref']!;
    assert.deepEqual(dependsOn(doc, doc.metadata.component['bom-ref']!), [osRef]);
    assert.equal(dependsOn(doc, osRef)!.length, inv.images[0]!.packages.length);
    assert.deepEqual(dependsOn(doc, ref('bash')), [ref('base-files'), ref('libc6'), ref('tzdata')].sort());
    assert.deepEqual(
      dependsOn(doc, ref('libstdc++6')),
      [ref('libc6')],
      'absent gcc-14-base, libgcc-s1 left out',
    );
    assert.deepEqual(dependsOn(doc, ref('libc6')), [], 'no dependencies: an empty element, as the spec asks');
    const refs = new Set([...byRef(doc).keys(), doc.metadata.component['bom-ref']]);
    for (const d of doc.dependencies) {
      assert.ok(refs.has(d.ref), d.ref);
      for (const r of d.dependsOn) assert.ok(refs.has(r), r);
    }
  });

  it('regular files no package owns are file components with their sha256; owned files and dirs are not', () => {
    const files = doc.components.filter((c) => c.type === 'file');
    assert.deepEqual(
      files.map((f) => [f.name, f.hashes]),
      [
        ['/app/server', [{ alg: 'SHA-256', content: digest('a1').slice(7) }]],
        ['/etc/passwd', [{ alg: 'SHA-256', content: digest('a2').slice(7) }]],
      ],
    );
    assert.deepEqual(prop(files[0]!, CDX_PROPERTIES.mode), ['0755']);
    assert.deepEqual(prop(files[0]!, CDX_PROPERTIES.layer), ['2']);
  });

  it('several platforms: every image component, each naming its platform, bom-refs unique', () => {
    const multi = toCycloneDx(multiInventory(), { epoch: EPOCH });
    const single = toCycloneDx(debianInventory(), { epoch: EPOCH });
    assert.equal(multi.components.length, 2 * single.components.length);
    const refs = multi.components.map((c) => c['bom-ref']!);
    assert.equal(new Set(refs).size, refs.length);
    for (const c of multi.components) {
      const platform = prop(c, CDX_PROPERTIES.platform);
      assert.equal(platform?.length, 1, c['bom-ref']);
      assert.ok(c['bom-ref']!.startsWith(`${platform![0]}:`), c['bom-ref']);
    }
    // tzdata (Architecture: all) has the same purl on both platforms, and still two distinct bom-refs
    const tz = multi.components.filter((c) => c.name === 'tzdata');
    assert.equal(tz.length, 2);
    assert.equal(tz[0]!.purl, tz[1]!.purl);
    assert.equal(multi.components.filter((c) => c.type === 'operating-system').length, 2);
    assert.equal(dependsOn(multi, multi.metadata.component['bom-ref']!)!.length, 2);
  });

  it('the same packages twice in one image (two databases) still get unique bom-refs', () => {
    const img = debianImage();
    img.packages.push({ ...img.packages[0]!, database: 'dpkg-status', recordPath: 'var/lib/dpkg/status' });
    const d = toCycloneDx({ ...inv, images: [img] }, { epoch: 0 });
    const refs = d.components.map((c) => c['bom-ref']);
    assert.equal(new Set(refs).size, refs.length);
    assert.deepEqual(schemaErrors(d, '1.6'), []);
  });

  it('refuses a spec version it does not write, and an epoch that is no time', () => {
    const bad = (f: () => unknown, code: string) =>
      assert.throws(f, (e: unknown) => isPithError(e) && e.code === code);
    bad(
      () => toCycloneDx(inv, { epoch: 0, specVersion: '1.4' as CycloneDxVersion }),
      'UNSUPPORTED_SBOM_VERSION',
    );
    bad(() => toCycloneDx(inv, { epoch: -1 }), 'BAD_EPOCH');
    bad(() => toCycloneDx(inv, { epoch: 1.5 }), 'BAD_EPOCH');
  });
});

describe('reproducible CycloneDX', () => {
  it('the same inventory gives byte-identical JSON, whatever the order of its packages and paths', () => {
    const a = sbomJson(toCycloneDx(multiInventory(), { epoch: EPOCH }));
    assert.equal(sbomJson(toCycloneDx(multiInventory(), { epoch: EPOCH })), a);
    const shuffled = multiInventory();
    for (const img of shuffled.images) {
      img.packages.reverse();
      img.unowned.reverse();
      img.files.reverse();
    }
    assert.equal(sbomJson(toCycloneDx(shuffled, { epoch: EPOCH })), a);
    assert.ok(a.endsWith('}\n'));
    assert.notEqual(
      sbomJson(toCycloneDx(multiInventory(), { epoch: EPOCH + 1 })),
      a,
      'the epoch is the time',
    );
  });
});
