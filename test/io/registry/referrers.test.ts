// Referrers against the in-memory registry on 127.0.0.1 (distribution-spec v1.1, briefs/oci.md §12.3,
// §12.4): an SBOM artifact whose subject is a pushed image is listed through the referrers API, and with
// the API off through the referrers tag `sha256-<hex>` that pushArtifact maintains (both entries kept, no
// duplicates, If-Match on the ETag, a lost race retried, a non-index tag refused); artifactType filters
// both ways; copyReferrers carries referrers and their referrers to another repository or registry, with
// and without the API on either side, within its depth and count bounds.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildFromConfig } from '../../../src/assemble/index.ts';
import { loadConfig } from '../../../src/config/index.ts';
import { clientFor, copyReferrers } from '../../../src/io/index.ts';
import type { RegistryClient } from '../../../src/io/registry/client.ts';
import { pushArtifact } from '../../../src/io/registry/push.ts';
import { listReferrers, referrersTag, updateFallbackTag } from '../../../src/io/registry/referrers.ts';
import {
  type Artifact,
  buildManifest,
  type Descriptor,
  type Image,
  imagesOf,
  JsonDocument,
  type ManifestJson,
  MediaType,
  memoryBlob,
  parseIndex,
  parseReference,
} from '../../../src/oci/index.ts';
import { type MemoryRegistry, startMemoryRegistry } from '../../../src/testing/index.ts';
import { type Digest, sha256 } from '../../../src/util/index.ts';
import { ROOT } from '../../helpers.ts';
import { EMPTY_DESCRIPTOR } from '../../oci/fixtures.ts';
import { referrersOf } from './helpers.ts';

const SBOM = 'application/vnd.example.sbom+json';
const SIG = 'application/vnd.example.signature+json';
const REPO = 'pith/app';
const noCredentials = { credentials: async () => undefined };

let hello: Promise<Artifact> | undefined;
function helloIndex(): Promise<Artifact> {
  hello ??= (async () => {
    const loaded = await loadConfig(join(ROOT, 'examples/hello/pith.yaml'));
    return (await buildFromConfig(loaded, { epoch: 0 })).artifact;
  })();
  return hello;
}

/** An artifact manifest: the empty config, one JSON layer, `artifactType` and `subject`. */
function referrer(subject: Descriptor, artifactType: string, content: unknown, note?: string): Image {
  const bytes = Buffer.from(JSON.stringify(content), 'utf8');
  const layer = memoryBlob(
    { mediaType: 'application/json', digest: sha256(bytes), size: bytes.length },
    bytes,
  );
  const base = buildManifest({
    config: EMPTY_DESCRIPTOR,
    layers: [layer.descriptor],
    ...(note ? { annotations: { 'org.example.note': note } } : {}),
  });
  const manifest = JsonDocument.of<ManifestJson>(
    {
      ...base.value,
      artifactType,
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    },
    MediaType.ociManifest,
  );
  return {
    kind: 'image',
    manifest,
    config: null,
    configBlob: memoryBlob(EMPTY_DESCRIPTOR, Buffer.from('{}')),
    layers: [layer],
  };
}

async function withRegistries<T>(
  opts: { referrers: boolean }[],
  fn: (...regs: MemoryRegistry[]) => Promise<T>,
): Promise<T> {
  const regs: MemoryRegistry[] = [];
  try {
    for (const o of opts) regs.push(await startMemoryRegistry(o));
    return await fn(...regs);
  } finally {
    for (const r of regs) await r.close();
  }
}

function clientOf(reg: MemoryRegistry): RegistryClient {
  return clientFor(parseReference(`${reg.host}/${REPO}`), noCredentials);
}

/** The referrers tag's index as the registry stores it, or undefined. */
function storedTagIndex(reg: MemoryRegistry, repo: string, subject: Digest): Descriptor[] | undefined {
  const m = reg.manifests.get(repo)?.get(referrersTag(subject));
  return m ? parseIndex(m.bytes).value.manifests : undefined;
}

const digests = (ds: Descriptor[]) => ds.map((d) => d.digest).sort();

describe('referrers: listing and the referrers tag', () => {
  it('names the tag <alg>-<ref>', () => {
    const d = `sha256:${'ab'.repeat(32)}` as Digest;
    assert.equal(referrersTag(d), `sha256-${'ab'.repeat(32)}`);
    assert.equal(referrersTag(`sha512:${'c'.repeat(128)}` as Digest), `sha512-${'c'.repeat(64)}`);
  });

  it('lists a referrer through the referrers API, filtered both ways, without a tag', async () => {
    const image = await helloIndex();
    await withRegistries([{ referrers: true }], async (reg) => {
      const client = clientOf(reg);
      const subject = await pushArtifact(client, REPO, image, 'v1');
      const sbom = referrer(subject, SBOM, { spdxVersion: 'SPDX-2.3' }, 'sbom');
      const pushed = await pushArtifact(client, REPO, sbom);
      assert.equal(pushed.digest, sbom.manifest.digest);

      const all = await listReferrers(client, REPO, subject.digest);
      assert.deepEqual(all, [
        {
          mediaType: MediaType.ociManifest,
          digest: sbom.manifest.digest,
          size: sbom.manifest.size,
          artifactType: SBOM,
          annotations: { 'org.example.note': 'sbom' },
        },
      ]);
      assert.deepEqual(digests(await listReferrers(client, REPO, subject.digest, { artifactType: SBOM })), [
        sbom.manifest.digest,
      ]);
      assert.deepEqual(await listReferrers(client, REPO, subject.digest, { artifactType: SIG }), []);
      assert.ok(reg.requests.some((r) => r.path.includes(`/referrers/${subject.digest}?artifactType=`)));
      // the API answered, so no referrers tag was written
      assert.equal(storedTagIndex(reg, REPO, subject.digest), undefined);
      assert.ok(!reg.requests.some((r) => r.method === 'PUT' && r.path.includes('/manifests/sha256-')));
      // nothing refers to the referrer itself
      assert.deepEqual(await listReferrers(client, REPO, sbom.manifest.digest), []);
      assert.deepEqual(
        digests(await referrersOf(parseReference(`${reg.host}/${REPO}`), subject.digest, noCredentials)),
        [sbom.manifest.digest],
      );
    });
  });

  it('maintains and reads the referrers tag when the registry has no API', async () => {
    const image = await helloIndex();
    await withRegistries([{ referrers: false }], async (reg) => {
      const client = clientOf(reg);
      const subject = await pushArtifact(client, REPO, image, 'v1');
      assert.deepEqual(await listReferrers(client, REPO, subject.digest), []); // no tag yet: none

      const sbom = referrer(subject, SBOM, { spdxVersion: 'SPDX-2.3' }, 'sbom');
      await pushArtifact(client, REPO, sbom);
      const tagged = storedTagIndex(reg, REPO, subject.digest);
      assert.deepEqual(tagged, [
        {
          mediaType: MediaType.ociManifest,
          digest: sbom.manifest.digest,
          size: sbom.manifest.size,
          artifactType: SBOM,
          annotations: { 'org.example.note': 'sbom' },
        },
      ]);
      const stored = reg.manifests.get(REPO)!.get(referrersTag(subject.digest))!;
      assert.equal(stored.mediaType, MediaType.ociIndex);
      assert.deepEqual(await listReferrers(client, REPO, subject.digest), tagged);

      const sig = referrer(subject, SIG, { sig: 'MEUCIQ' });
      await pushArtifact(client, REPO, sig);
      assert.deepEqual(
        digests(storedTagIndex(reg, REPO, subject.digest)!),
        digests([sbom.manifest, sig.manifest]),
      );
      // the second update read an ETag and sent it back
      const tagPuts = reg.requests.filter(
        (r) => r.method === 'PUT' && r.path.endsWith(`/manifests/${referrersTag(subject.digest)}`),
      );
      assert.equal(tagPuts.length, 2);
      assert.equal(tagPuts[0]!.headers['if-match'], undefined);
      assert.match(tagPuts[1]!.headers['if-match'] ?? '', /^"sha256:[0-9a-f]{64}"$/);

      // pushing the same referrer again does not list it twice, nor rewrite the tag
      await pushArtifact(client, REPO, sbom);
      assert.equal(await updateFallbackTag(client, REPO, sbom.manifest), 'present');
      assert.equal(storedTagIndex(reg, REPO, subject.digest)!.length, 2);
      assert.equal(
        reg.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/sha256-')).length,
        2,
      );

      assert.deepEqual(
        digests(await listReferrers(client, REPO, subject.digest)),
        digests([sbom.manifest, sig.manifest]),
      );
      assert.deepEqual(digests(await listReferrers(client, REPO, subject.digest, { artifactType: SIG })), [
        sig.manifest.digest,
      ]);
      assert.deepEqual(digests(await listReferrers(client, REPO, subject.digest, { artifactType: SBOM })), [
        sbom.manifest.digest,
      ]);
      assert.deepEqual(await listReferrers(client, REPO, subject.digest, { artifactType: 'x/none' }), []);
    });
  });

  it('lists a referrer of a child manifest, and starts over when the If-Match race is lost', async () => {
    const image = await helloIndex();
    const reg = await startMemoryRegistry({
      referrers: false,
      faults: [
        {
          match: (r) => r.method === 'PUT' && r.path.includes('/manifests/sha256-') && r.n === 1,
          action: { status: 412 },
        },
      ],
    });
    try {
      const client = clientOf(reg);
      await pushArtifact(client, REPO, image, 'v1');
      const child = imagesOf(image)[1]!.manifest.descriptor();
      const sbom = referrer(child, SBOM, { arch: 'arm64' });
      await pushArtifact(client, REPO, sbom);
      assert.deepEqual(digests(await listReferrers(client, REPO, child.digest)), [sbom.manifest.digest]);
      assert.equal(
        reg.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/sha256-')).length,
        2,
      );
    } finally {
      await reg.close();
    }
  });

  it('treats a referrers tag that is not an OCI index as no referrers, and refuses to add to it', async () => {
    const image = await helloIndex();
    await withRegistries([{ referrers: false }], async (reg) => {
      const client = clientOf(reg);
      const subject = await pushArtifact(client, REPO, image, 'v1');
      const tag = referrersTag(subject.digest);
      const img = imagesOf(image)[0]!.manifest;
      reg.manifests.get(REPO)!.set(tag, { mediaType: img.mediaType, bytes: img.raw });
      assert.deepEqual(await listReferrers(client, REPO, subject.digest), []);
      await assert.rejects(
        pushArtifact(client, REPO, referrer(subject, SBOM, {})),
        (e: Error & { code?: string }) => e.code === 'REFERRERS_TAG_NOT_INDEX',
      );
    });
  });
});

describe('referrers: copyReferrers', () => {
  /** Pushes hello with an SBOM on the index, a signature on the SBOM and an SBOM on a child manifest. */
  async function seed(src: MemoryRegistry): Promise<{ top: Descriptor; all: Digest[]; expected: Image[] }> {
    const image = await helloIndex();
    const client = clientOf(src);
    const top = await pushArtifact(client, REPO, image, 'v1');
    const child = imagesOf(image)[0]!.manifest.descriptor();
    const sbom = referrer(top, SBOM, { name: 'hello' }, 'top');
    const sig = referrer(sbom.manifest.descriptor(), SIG, { sig: 'sbom' });
    const childSbom = referrer(child, SBOM, { name: 'hello-amd64' }, 'child');
    for (const a of [sbom, sig, childSbom]) await pushArtifact(client, REPO, a);
    const all = [top.digest, ...imagesOf(image).map((i) => i.manifest.digest)];
    return { top, all, expected: [sbom, sig, childSbom] };
  }

  for (const [srcApi, dstApi] of [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ] as const) {
    it(`copies referrers and their referrers (source API ${srcApi}, destination API ${dstApi})`, async () => {
      await withRegistries([{ referrers: srcApi }, { referrers: dstApi }], async (src, dst) => {
        const { top, all, expected } = await seed(src);
        const [sbom, sig, childSbom] = expected as [Image, Image, Image];
        const srcRef = parseReference(`${src.host}/${REPO}:v1`);
        const dstRef = parseReference(`${dst.host}/mirror/app:v1`);
        await pushArtifact(clientFor(dstRef, noCredentials), 'mirror/app', await helloIndex(), 'v1');

        const depths: number[] = [];
        const result = await copyReferrers(srcRef, dstRef, all, {
          ...noCredentials,
          onReferrer: (_d, depth) => depths.push(depth),
        });
        assert.equal(result.truncated, false);
        assert.deepEqual(result.skipped, []);
        assert.deepEqual(digests(result.copied), digests(expected.map((e) => e.manifest)));
        assert.deepEqual(depths.sort(), [1, 1, 2]);

        const dstClient = clientFor(dstRef, noCredentials);
        assert.deepEqual(digests(await listReferrers(dstClient, 'mirror/app', top.digest)), [
          sbom.manifest.digest,
        ]);
        assert.deepEqual(digests(await listReferrers(dstClient, 'mirror/app', sbom.manifest.digest)), [
          sig.manifest.digest,
        ]);
        assert.deepEqual(
          digests(await referrersOf(dstRef, all[1]!, { ...noCredentials, artifactType: SBOM })),
          [childSbom.manifest.digest],
        );
        // the referrers tag exists on the destination exactly when it has no API
        assert.equal(storedTagIndex(dst, 'mirror/app', top.digest) !== undefined, !dstApi);
        // referrers are pushed by digest only: the destination gains no tags but referrers tags
        const tags = [...dst.manifests.get('mirror/app')!.keys()].filter((k) => !k.includes(':'));
        assert.deepEqual(
          tags.filter((t) => !t.startsWith('sha256-')),
          ['v1'],
        );

        // a second copy finds everything present and copies the same set again without duplicates
        await copyReferrers(srcRef, dstRef, all, noCredentials);
        assert.equal((await listReferrers(dstClient, 'mirror/app', top.digest)).length, 1);
      });
    });
  }

  it('copies between repositories of one registry', async () => {
    await withRegistries([{ referrers: false }], async (reg) => {
      const { top, all } = await seed(reg);
      const srcRef = parseReference(`${reg.host}/${REPO}:v1`);
      const dstRef = parseReference(`${reg.host}/other/app:v1`);
      await pushArtifact(clientFor(dstRef, noCredentials), 'other/app', await helloIndex(), 'v1');
      const result = await copyReferrers(srcRef, dstRef, all, noCredentials);
      assert.equal(result.copied.length, 3);
      assert.equal((await referrersOf(dstRef, top.digest, noCredentials)).length, 1);
    });
  });

  it('stops at maxDepth and maxArtifacts and says so', async () => {
    await withRegistries([{ referrers: true }, { referrers: true }], async (src, dst) => {
      const { all } = await seed(src);
      const srcRef = parseReference(`${src.host}/${REPO}:v1`);
      const dstRef = parseReference(`${dst.host}/mirror/app:v1`);
      const shallow = await copyReferrers(srcRef, dstRef, all, { ...noCredentials, maxDepth: 1 });
      assert.equal(shallow.truncated, true);
      assert.equal(shallow.copied.length, 2);
      assert.ok(shallow.copied.every((d) => d.artifactType === SBOM));
      const few = await copyReferrers(srcRef, dstRef, all, { ...noCredentials, maxArtifacts: 1 });
      assert.equal(few.truncated, true);
      assert.equal(few.copied.length, 1);
      const none = await copyReferrers(srcRef, dstRef, [`sha256:${'0'.repeat(64)}`], noCredentials);
      assert.deepEqual(none, { copied: [], skipped: [], truncated: false });
    });
  });
});
