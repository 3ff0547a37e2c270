// pith build --sign-key against the fake Debian repository (issue 12, points 4 and 5, against fakes; the
// real mirror, registry, podman and skopeo are in test/e2e/signing.test.ts): each manifest signed, and the
// SBOM and SLSA provenance attested as signed bundles; verify finds them through the referrers API, and on
// a registry without one through the fallback tag; the provenance lists every .deb with its sha256 and
// pool path, and its chain to the fake repository's signed InRelease holds; a swapped layer breaks it
// naming the package, and a lock pinning other bytes breaks it naming the package too.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { parseTransportRef, readArtifact, writeCosignTag, writeReferrers } from '../../src/io/index.ts';
import { ArtifactType, buildReferrer, type Image } from '../../src/oci/index.ts';
import {
  IN_TOTO_PAYLOAD_TYPE,
  makeStatement,
  PredicateType,
  readPrivateKey,
  signDsse,
} from '../../src/sign/index.ts';
import { type FakePackage, startFakeRepo, startMemoryRegistry } from '../../src/testing/index.ts';
import type { Digest } from '../../src/util/index.ts';
import { tempDir } from '../helpers.ts';
import { provenanceOf, swapLayerKeepingProvenance } from '../provenance-helpers.ts';

const BASE_FILES: FakePackage = {
  name: 'base-files',
  version: '13.8',
  arch: 'all',
  files: { 'usr/lib/os-release': 'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n' },
};
const APP: FakePackage = { name: 'app', version: '1.0-1', arch: 'amd64', files: { 'usr/bin/app': 'app' } };
const ENV = { PITH_PASSWORD: 'pw' };

async function setup(t: import('node:test').TestContext) {
  const dir = await tempDir(t);
  const repo = await startFakeRepo([
    { name: 'trixie', archs: ['amd64'], packages: [BASE_FILES, APP] },
    { name: 'trixie-updates', archs: ['amd64'], packages: [] },
    { name: 'trixie-security', archs: ['amd64'], packages: [] },
  ]);
  t.after(() => repo.close());
  await writeFile(join(dir, 'repo.asc'), repo.publicKey);
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: { ...ENV } });
  const keys = await pith.keygen({ prefix: join(dir, 'signer') });
  const mirror = { archive: repo.url, security: repo.securityUrl };
  const config = {
    archs: ['amd64' as const],
    mirror,
    keyring: ['repo.asc'],
    packages: ['base-files', 'app'],
  };
  const source = { mirror, keyrings: [join(dir, 'repo.asc')] };
  return { dir, repo, pith, keys, config, source };
}

for (const referrers of [true, false]) {
  it(`signed build to a registry ${referrers ? 'with' : 'without'} the referrers API: signature, SBOM and provenance verify`, async (t) => {
    const { dir, pith, keys, config, source } = await setup(t);
    const registry = await startMemoryRegistry({ referrers });
    t.after(() => registry.close());
    const ref = `docker://${registry.host}/app:v1`;
    const built = await pith.build({ config, baseDir: dir, output: ref, sign: { key: keys.privateKey } });
    assert.equal(built.signatures?.length, 1);
    assert.match(built.signatures![0]!.legacyTag ?? '', /^sha256-[0-9a-f]{64}\.sig$/);
    assert.deepEqual(built.attestations?.map((a) => a.predicateType).sort(), [
      'https://cyclonedx.org/bom',
      'https://slsa.dev/provenance/v1',
      'https://spdx.dev/Document',
    ]);
    const report = await pith.verify({
      reference: ref,
      keys: [keys.publicKey],
      attestations: ['cyclonedx', 'spdx', 'slsaprovenance'],
      provenance: true,
      ...source,
    });
    assert.equal(report.verified, true, report.problems.join('; '));
    const via = referrers ? 'referrers-api' : 'referrers-tag';
    assert.ok(
      report.attestations.every((a) => a.via === via),
      JSON.stringify(report.attestations),
    );
    assert.deepEqual(report.signatures.map((s) => s.via).sort(), [via, 'sig-tag'].sort());
    assert.deepEqual(
      report.provenance?.[0]?.links.map((l) => `${l.link} ${l.ok}`),
      ['attestation true', 'layers true', 'subject true', 'inrelease true'],
    );
    // cosign 1-2's legacy attestation tag: a DSSE envelope signed by the key, under sha256-<hex>.att
    const key = readPrivateKey(await readFile(keys.privateKey), ENV.PITH_PASSWORD, keys.privateKey);
    const vexStatement = makeStatement([built.digest as Digest], PredicateType.openvex, { statements: [] });
    const envelope = (
      JSON.parse((await signDsse(vexStatement, IN_TOTO_PAYLOAD_TYPE, { kind: 'key', key })).toString()) as {
        dsseEnvelope: unknown;
      }
    ).dsseEnvelope;
    const docker = parseTransportRef(ref);
    assert.equal(docker.transport, 'docker');
    if (docker.transport === 'docker')
      await writeCosignTag(docker.ref, built.digest as Digest, 'att', [
        {
          mediaType: 'application/vnd.dsse.envelope.v1+json',
          payload: Buffer.from(JSON.stringify(envelope)),
          annotations: { predicateType: PredicateType.openvex },
        },
      ]);
    const withAtt = await pith.verify({ reference: ref, keys: [keys.publicKey], attestations: ['openvex'] });
    assert.equal(withAtt.verified, true, withAtt.problems.join('; '));
    assert.equal(withAtt.attestations.find((a) => a.predicateType === PredicateType.openvex)?.via, 'att-tag');
    const stranger = await pith.keygen({ prefix: join(dir, 'stranger') });
    const other = await pith.verify({
      reference: ref,
      keys: [stranger.publicKey],
      attestations: ['openvex'],
    });
    assert.equal(other.verified, false);
    assert.ok(other.rejected.some((r) => r.via === 'att-tag' && /no signature verified/.test(r.reason)));
    // the provenance lists each .deb by sha256 and pool path, as the fake repository's index has them
    const statement = await provenanceOf(parseTransportRef(ref), built.digest);
    const debs = statement.predicate.buildDefinition.resolvedDependencies.filter(
      (r) => r.annotations?.['dev.pith.kind'] === 'deb',
    );
    assert.deepEqual(debs.map((d) => d.name).sort(), [
      'pool/main/a/app/app_1.0-1_amd64.deb',
      'pool/main/b/base-files/base-files_13.8_all.deb',
    ]);
    for (const d of debs) assert.match(d.digest.sha256, /^[0-9a-f]{64}$/);
    assert.equal(
      statement.predicate.buildDefinition.resolvedDependencies.filter(
        (r) => r.annotations?.['dev.pith.kind'] === 'InRelease',
      ).length,
      3,
    );
  });
}

it('a swapped layer breaks the provenance chain naming the package; so does a lock pinning other bytes', async (t) => {
  const { dir, pith, keys, config, source } = await setup(t);
  const configFile = join(dir, 'pith.yaml');
  await writeFile(configFile, JSON.stringify(config));
  await pith.lock({ config: configFile });
  const out = `oci:${join(dir, 'image')}`;
  await pith.build({
    config: configFile,
    output: out,
    locked: true,
    sign: { key: keys.privateKey },
  });
  const lockFile = join(dir, 'pith.lock.json');
  const ok = await pith.verify({
    reference: out,
    keys: [keys.publicKey],
    provenance: true,
    lock: lockFile,
    ...source,
  });
  assert.equal(ok.verified, true, ok.problems.join('; '));
  assert.deepEqual(
    ok.provenance?.[0]?.links.map((l) => l.link),
    ['attestation', 'layers', 'subject', 'lock', 'inrelease'],
  );
  // swap the layer of `app` for base-files' layer, and attach the original (validly signed) provenance to it
  const at = await swapLayerKeepingProvenance(
    parseTransportRef(out),
    parseTransportRef(`oci:${join(dir, 'swapped')}`),
    'app',
    'base-files',
  );
  const bad = await pith.verify({
    reference: `oci:${join(dir, 'swapped')}`,
    keys: [keys.publicKey],
    provenance: true,
    lock: lockFile,
    ...source,
  });
  assert.equal(bad.verified, false);
  const layersLink = bad.provenance?.[0]?.links.find((l) => l.link === 'layers');
  assert.equal(layersLink?.ok, false);
  assert.match(layersLink!.detail, new RegExp(`layer ${at} \\(app 1\\.0-1 amd64\\) is sha256:`));

  // a lock that pins other bytes for app: the lock link names it
  const lock = JSON.parse(await readFile(lockFile, 'utf8')) as {
    archs: { amd64: { name: string; sha256: string }[] };
  };
  lock.archs.amd64.find((p) => p.name === 'app')!.sha256 = 'f'.repeat(64);
  const otherLock = join(dir, 'other.lock.json');
  await writeFile(otherLock, JSON.stringify(lock));
  const mismatch = await pith.verify({
    reference: out,
    keys: [keys.publicKey],
    provenance: true,
    lock: otherLock,
    ...source,
  });
  assert.equal(mismatch.verified, false);
  assert.match(
    mismatch.problems.join('\n'),
    /app: .*other\.lock\.json pins sha256:f{64}, the provenance used sha256:[0-9a-f]{64}/,
  );
  // another signed provenance of the same digest whose chain does not hold (it records no layers) does
  // not hide the one that does, whichever is read first
  const image = (await readArtifact(parseTransportRef(out))) as Image;
  const bogus = makeStatement([image.manifest.digest as Digest], PredicateType.slsaProvenance, {
    buildDefinition: { resolvedDependencies: [] },
    runDetails: { byproducts: [] },
  });
  await writeReferrers(parseTransportRef(out), [
    buildReferrer({
      subject: image.manifest.descriptor(),
      artifactType: ArtifactType.sigstoreBundle,
      content: await signDsse(bogus, IN_TOTO_PAYLOAD_TYPE, {
        kind: 'key',
        key: readPrivateKey(await readFile(keys.privateKey), ENV.PITH_PASSWORD, keys.privateKey),
      }),
      epoch: 1,
      annotations: { 'dev.sigstore.bundle.predicateType': PredicateType.slsaProvenance },
    }),
  ]);
  const again = await pith.verify({
    reference: out,
    keys: [keys.publicKey],
    provenance: true,
    lock: lockFile,
    ...source,
  });
  assert.equal(again.verified, true, again.problems.join('; '));
});
