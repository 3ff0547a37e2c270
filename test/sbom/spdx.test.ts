// SPDX 2.3 documents from an inventory. No npm package is known to ship the official SPDX 2.3 JSON schema
// (spdx/spdx-spec schemas/spdx-schema.json), and it is not copied here: spdxProblems() checks what that
// schema requires (document fields, the SPDXID pattern, required package and file fields, the enums pith
// uses) plus what it cannot (unique ids, relationships between elements that exist, no files in a package
// whose filesAnalyzed is false), and is itself shown to catch broken documents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPithError } from '../../src/api/index.ts';
import { SPDX_ID_RE, type SpdxDocument, sbomJson, toSpdx } from '../../src/sbom/index.ts';
import { debianImage, debianInventory, digest, multiInventory } from './helpers.ts';

const EPOCH = 1_700_000_000;
// The enums and patterns of the SPDX 2.3 JSON schema for the fields pith writes.
const DATE_RE =
  /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]|23:59:60)Z$/;
const PURPOSES = [
  'OTHER',
  'INSTALL',
  'ARCHIVE',
  'FIRMWARE',
  'APPLICATION',
  'FRAMEWORK',
  'LIBRARY',
  'CONTAINER',
  'SOURCE',
  'DEVICE',
  'OPERATING_SYSTEM',
  'FILE',
];
const REF_CATEGORIES = [
  'OTHER',
  'PERSISTENT-ID',
  'PERSISTENT_ID',
  'SECURITY',
  'PACKAGE-MANAGER',
  'PACKAGE_MANAGER',
];
const ALGORITHMS = [
  'SHA1',
  'SHA224',
  'SHA256',
  'SHA384',
  'SHA512',
  'SHA3-256',
  'SHA3-384',
  'SHA3-512',
  'MD2',
  'MD4',
  'MD5',
  'MD6',
  'BLAKE2b-256',
  'BLAKE2b-384',
  'BLAKE2b-512',
  'BLAKE3',
  'ADLER32',
];
const RELATIONSHIPS = [
  'DESCRIBES',
  'CONTAINS',
  'DEPENDS_ON',
  'DEPENDENCY_OF',
  'CONTAINED_BY',
  'DESCRIBED_BY',
  'OTHER',
];
const DOC_KEYS = ['SPDXID', 'creationInfo', 'dataLicense', 'name', 'spdxVersion', 'documentNamespace'];
const PACKAGE_KEYS = [
  'SPDXID',
  'name',
  'versionInfo',
  'supplier',
  'downloadLocation',
  'filesAnalyzed',
  'checksums',
  'homepage',
  'sourceInfo',
  'licenseConcluded',
  'licenseDeclared',
  'licenseComments',
  'copyrightText',
  'summary',
  'description',
  'comment',
  'externalRefs',
  'primaryPackagePurpose',
];
const FILE_KEYS = ['SPDXID', 'fileName', 'checksums', 'licenseConcluded', 'copyrightText', 'comment'];

/** What is wrong with a document as SPDX 2.3 JSON, as far as pith's fields go; [] when nothing is. */
function spdxProblems(input: unknown): string[] {
  const doc = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  const out: string[] = [];
  const need = (ok: boolean, what: string) => ok || out.push(what);
  for (const k of DOC_KEYS) need(k in doc, `document: no ${k}`);
  for (const k of Object.keys(doc))
    need([...DOC_KEYS, 'packages', 'files', 'relationships'].includes(k), `document: unknown ${k}`);
  need(doc['spdxVersion'] === 'SPDX-2.3', 'spdxVersion is not SPDX-2.3');
  need(doc['dataLicense'] === 'CC0-1.0', 'dataLicense is not CC0-1.0');
  need(doc['SPDXID'] === 'SPDXRef-DOCUMENT', 'SPDXID is not SPDXRef-DOCUMENT');
  const ns = String(doc['documentNamespace']);
  need(URL.canParse(ns) && !ns.includes('#'), 'documentNamespace is not an absolute URI without #');
  const info = (doc['creationInfo'] ?? {}) as { created?: string; creators?: string[] };
  need(DATE_RE.test(info.created ?? ''), 'creationInfo.created is not a UTC date-time');
  need(
    Array.isArray(info.creators) &&
      info.creators.length > 0 &&
      info.creators.every((c) => /^(Tool|Person|Organization): \S/.test(c)),
    'creationInfo.creators is empty or malformed',
  );
  const ids = new Map<string, string>([['SPDXRef-DOCUMENT', 'document']]);
  const addId = (id: unknown, what: string) => {
    need(
      typeof id === 'string' && SPDX_ID_RE.test(id),
      `${what}: SPDXID ${String(id)} is not SPDXRef-[A-Za-z0-9.-]+`,
    );
    need(!ids.has(String(id)), `${what}: SPDXID ${String(id)} is used twice`);
    ids.set(String(id), what);
  };
  const noFiles = new Set<string>();
  for (const [i, p] of ((doc['packages'] ?? []) as Record<string, unknown>[]).entries()) {
    const what = `packages[${i}]`;
    addId(p['SPDXID'], what);
    for (const k of ['SPDXID', 'name', 'downloadLocation'])
      need(typeof p[k] === 'string', `${what}: no ${k}`);
    for (const k of Object.keys(p)) need(PACKAGE_KEYS.includes(k), `${what}: unknown ${k}`);
    if (p['primaryPackagePurpose'] !== undefined)
      need(
        PURPOSES.includes(String(p['primaryPackagePurpose'])),
        `${what}: purpose ${String(p['primaryPackagePurpose'])}`,
      );
    if (p['supplier'] !== undefined)
      need(/^(NOASSERTION|(Person|Organization): \S.*)$/.test(String(p['supplier'])), `${what}: supplier`);
    for (const r of (p['externalRefs'] ?? []) as Record<string, string>[]) {
      need(REF_CATEGORIES.includes(r['referenceCategory']!), `${what}: referenceCategory`);
      need(
        !!r['referenceType'] && !!r['referenceLocator'] && !/\s/.test(r['referenceLocator']!),
        `${what}: externalRef`,
      );
    }
    for (const c of (p['checksums'] ?? []) as Record<string, string>[])
      need(
        ALGORITHMS.includes(c['algorithm']!) && /^[0-9a-fA-F]+$/.test(c['checksumValue'] ?? ''),
        `${what}: checksum`,
      );
    if (p['filesAnalyzed'] === false) noFiles.add(String(p['SPDXID']));
  }
  const fileIds = new Set<string>();
  for (const [i, f] of ((doc['files'] ?? []) as Record<string, unknown>[]).entries()) {
    const what = `files[${i}]`;
    addId(f['SPDXID'], what);
    fileIds.add(String(f['SPDXID']));
    for (const k of Object.keys(f)) need(FILE_KEYS.includes(k), `${what}: unknown ${k}`);
    need(
      typeof f['fileName'] === 'string' && String(f['fileName']).startsWith('./'),
      `${what}: fileName is not ./…`,
    );
    const sums = f['checksums'] as Record<string, string>[] | undefined;
    need(Array.isArray(sums) && sums.length > 0, `${what}: no checksums`);
    for (const c of sums ?? [])
      need(
        ALGORITHMS.includes(c['algorithm']!) && /^[0-9a-fA-F]+$/.test(c['checksumValue'] ?? ''),
        `${what}: checksum`,
      );
  }
  let describes = 0;
  for (const [i, r] of ((doc['relationships'] ?? []) as Record<string, string>[]).entries()) {
    const what = `relationships[${i}]`;
    need(RELATIONSHIPS.includes(r['relationshipType']!), `${what}: type ${r['relationshipType']}`);
    need(ids.has(r['spdxElementId']!), `${what}: ${r['spdxElementId']} does not exist`);
    need(ids.has(r['relatedSpdxElement']!), `${what}: ${r['relatedSpdxElement']} does not exist`);
    if (r['relationshipType'] === 'DESCRIBES' && r['spdxElementId'] === 'SPDXRef-DOCUMENT') describes++;
    if (r['relationshipType'] === 'CONTAINS' && noFiles.has(r['spdxElementId']!))
      need(
        !fileIds.has(r['relatedSpdxElement']!),
        `${what}: a package with filesAnalyzed false contains a file`,
      );
  }
  need(describes > 0, 'the document DESCRIBES nothing');
  return out;
}

const rels = (doc: SpdxDocument, type: string, from?: string) =>
  doc.relationships.filter(
    (r) => r.relationshipType === type && (from === undefined || r.spdxElementId === from),
  );
const pkgNamed = (doc: SpdxDocument, name: string) => doc.packages.find((p) => p.name === name)!;

describe('SPDX 2.3 documents', () => {
  const inv = debianInventory();
  const doc = toSpdx(inv, { epoch: EPOCH });

  it('single- and multi-platform documents have every field SPDX 2.3 requires, in the forms it allows', () => {
    assert.deepEqual(spdxProblems(doc), []);
    assert.deepEqual(spdxProblems(toSpdx(multiInventory(), { epoch: EPOCH })), []);
  });

  it('the checks catch broken documents (so the check above can fail)', () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown> & SpdxDocument;
    broken.packages[1]!.SPDXID = 'SPDXRef-has space';
    broken.files[0]!.checksums = [];
    (broken.packages[2] as { primaryPackagePurpose: string }).primaryPackagePurpose = 'OS';
    broken.relationships.push({
      spdxElementId: 'SPDXRef-nowhere',
      relatedSpdxElement: 'SPDXRef-Image',
      relationshipType: 'CONTAINS',
    });
    delete (broken as Partial<SpdxDocument>).dataLicense;
    const problems = spdxProblems(broken);
    for (const bit of [
      'no dataLicense',
      'is not SPDXRef-',
      'no checksums',
      'purpose OS',
      'SPDXRef-nowhere does not exist',
    ])
      assert.ok(
        problems.some((p) => p.includes(bit)),
        `${bit} in ${problems.join('\n')}`,
      );
  });

  it('document: CC0-1.0, a namespace derived from the digest, created from the epoch, pith as creator', () => {
    assert.equal(doc.SPDXID, 'SPDXRef-DOCUMENT');
    assert.equal(doc.dataLicense, 'CC0-1.0');
    assert.equal(doc.name, 'registry.example:5000/team/app');
    assert.deepEqual(doc.creationInfo, { created: '2023-11-14T22:13:20Z', creators: ['Tool: pith-0.1.0'] });
    assert.match(
      doc.documentNamespace,
      /^https:\/\/spdx\.org\/spdxdocs\/pith\/app-[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(toSpdx(inv, { epoch: 0 }).documentNamespace, doc.documentNamespace);
    assert.notEqual(
      toSpdx({ ...inv, digest: digest('f') }, { epoch: 0 }).documentNamespace,
      doc.documentNamespace,
    );
  });

  it('the image: a CONTAINER package the document DESCRIBES, with its pkg:oci purl and digest', () => {
    const image = doc.packages[0]!;
    assert.deepEqual(rels(doc, 'DESCRIBES'), [
      { spdxElementId: 'SPDXRef-DOCUMENT', relatedSpdxElement: image.SPDXID, relationshipType: 'DESCRIBES' },
    ]);
    assert.equal(image.primaryPackagePurpose, 'CONTAINER');
    assert.equal(image.versionInfo, inv.digest);
    assert.deepEqual(image.checksums, [{ algorithm: 'SHA256', checksumValue: inv.digest.slice(7) }]);
    assert.deepEqual(image.externalRefs, [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: `pkg:oci/app@${inv.digest}?repository_url=registry.example:5000%2Fteam%2Fapp`,
      },
    ]);
    assert.equal(image.filesAnalyzed, true, 'it CONTAINS the unowned files');
  });

  it('the image CONTAINS the OS (OPERATING_SYSTEM), which CONTAINS every package', () => {
    const os = doc.packages.filter((p) => p.primaryPackagePurpose === 'OPERATING_SYSTEM');
    assert.equal(os.length, 1);
    assert.equal(os[0]!.name, 'debian');
    assert.equal(os[0]!.versionInfo, '13.2');
    assert.ok(
      rels(doc, 'CONTAINS', doc.packages[0]!.SPDXID).some((r) => r.relatedSpdxElement === os[0]!.SPDXID),
    );
    assert.equal(rels(doc, 'CONTAINS', os[0]!.SPDXID).length, inv.images[0]!.packages.length);
  });

  it('deb packages: purl, supplier from Maintainer (else NOASSERTION), source as sourceInfo, NOASSERTION licences', () => {
    const libc = pkgNamed(doc, 'libc6');
    assert.equal(libc.versionInfo, '2.41-12');
    assert.equal(libc.supplier, 'Person: GNU Libc Maintainers (debian-glibc@lists.debian.org)');
    assert.equal(libc.sourceInfo, 'built package from: glibc 2.41-12');
    assert.equal(libc.licenseConcluded, 'NOASSERTION');
    assert.equal(libc.licenseDeclared, 'NOASSERTION');
    assert.equal(libc.filesAnalyzed, false);
    assert.equal(libc.primaryPackagePurpose, 'LIBRARY');
    assert.deepEqual(libc.externalRefs, [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: 'pkg:deb/debian/libc6@2.41-12?arch=amd64&distro=debian-13&upstream=glibc',
      },
    ]);
    assert.equal(pkgNamed(doc, 'zlib1g').versionInfo, '1:1.3.dfsg+really1.3.1-1+b1');
    assert.equal(pkgNamed(doc, 'zlib1g').supplier, 'NOASSERTION');
    assert.equal(pkgNamed(doc, 'bash').primaryPackagePurpose, 'APPLICATION');
    assert.match(pkgNamed(doc, 'libstdc++6').SPDXID, /^SPDXRef-Package-deb-libstdc-6-amd64-[0-9a-f]{16}$/);
  });

  it('DEPENDS_ON between present packages', () => {
    const id = (name: string) => pkgNamed(doc, name).SPDXID;
    assert.deepEqual(
      rels(doc, 'DEPENDS_ON', id('bash'))
        .map((r) => r.relatedSpdxElement)
        .sort(),
      [id('base-files'), id('libc6'), id('tzdata')].sort(),
    );
    assert.deepEqual(rels(doc, 'DEPENDS_ON', id('libc6')), []);
  });

  it('unowned regular files, with SHA256 checksums, CONTAINED by the image', () => {
    assert.deepEqual(
      doc.files.map((f) => [f.fileName, f.checksums]),
      [
        ['./app/server', [{ algorithm: 'SHA256', checksumValue: digest('a1').slice(7) }]],
        ['./etc/passwd', [{ algorithm: 'SHA256', checksumValue: digest('a2').slice(7) }]],
      ],
    );
    for (const f of doc.files)
      assert.ok(
        rels(doc, 'CONTAINS', doc.packages[0]!.SPDXID).some((r) => r.relatedSpdxElement === f.SPDXID),
      );
  });

  it('several platforms: the index CONTAINS one CONTAINER per platform, each with its OS, packages and files', () => {
    const multi = toSpdx(multiInventory(), { epoch: EPOCH });
    const root = multi.packages[0]!;
    assert.equal(root.filesAnalyzed, false);
    const images = rels(multi, 'CONTAINS', root.SPDXID).map(
      (r) => multi.packages.find((p) => p.SPDXID === r.relatedSpdxElement)!,
    );
    assert.deepEqual(
      images.map((p) => [p.primaryPackagePurpose, p.comment, p.versionInfo]),
      [
        ['CONTAINER', 'platform linux/amd64', digest('a')],
        ['CONTAINER', 'platform linux/arm64', digest('b')],
      ],
    );
    assert.match(images[1]!.externalRefs![0]!.referenceLocator, /\?arch=arm64$/);
    assert.equal(multi.files.length, 4);
    assert.equal(multi.packages.filter((p) => p.name === 'tzdata').length, 2);
  });

  it('refuses an epoch that is no time', () => {
    assert.throws(
      () => toSpdx(inv, { epoch: Number.NaN }),
      (e: unknown) => isPithError(e) && e.code === 'BAD_EPOCH',
    );
  });

  it('an image without os-release: packages hang off the image directly', () => {
    const img = debianImage();
    delete img.os;
    const d = toSpdx({ ...inv, images: [img] }, { epoch: 0 });
    assert.deepEqual(spdxProblems(d), []);
    assert.equal(rels(d, 'CONTAINS', d.packages[0]!.SPDXID).length, img.packages.length + img.unowned.length);
    assert.match(
      pkgNamed(d, 'libc6').externalRefs![0]!.referenceLocator,
      /^pkg:deb\/debian\/libc6@2\.41-12\?arch=amd64&upstream=glibc$/,
    );
  });
});

describe('reproducible SPDX', () => {
  it('the same inventory gives byte-identical JSON, whatever the order of its packages and paths', () => {
    const a = sbomJson(toSpdx(multiInventory(), { epoch: EPOCH }));
    assert.equal(sbomJson(toSpdx(multiInventory(), { epoch: EPOCH })), a);
    const shuffled = multiInventory();
    for (const img of shuffled.images) {
      img.packages.reverse();
      img.unowned.reverse();
    }
    assert.equal(sbomJson(toSpdx(shuffled, { epoch: EPOCH })), a);
  });
});
