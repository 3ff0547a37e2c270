// pith build attaches a CycloneDX SBOM to every platform manifest (issue 9): in a layout, as an untagged
// index.json entry with its artifactType whose manifest names the platform manifest as subject; pushed to
// a registry, as a referrer its referrers API lists; --vex attaches an OpenVEX document to the top
// document. The image is still the layout's only image for readers that pick one, and --no-sbom (sbom:
// false) attaches nothing.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { type FakePackage, startFakeRepo, startMemoryRegistry } from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';
import { cycloneDxValidator } from '../sbom/helpers.ts';

const BASE_FILES: FakePackage = {
  name: 'base-files',
  version: '13.8',
  arch: 'all',
  files: { 'usr/lib/os-release': 'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n' },
};

it('a two-platform build carries one SBOM per platform, and the VEX on the index', async (t) => {
  const dir = await tempDir(t);
  const repo = await startFakeRepo([
    {
      name: 'trixie',
      archs: ['amd64', 'arm64'],
      packages: [BASE_FILES, { name: 'app', version: '1.0-1', arch: 'all' }],
    },
    { name: 'trixie-updates', archs: ['amd64', 'arm64'], packages: [] },
    { name: 'trixie-security', archs: ['amd64', 'arm64'], packages: [] },
  ]);
  t.after(() => repo.close());
  await writeFile(join(dir, 'repo.asc'), repo.publicKey);
  const vex = join(dir, 'image.vex.json');
  await writeFile(
    vex,
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'urn:uuid:00000000-0000-4000-8000-000000000000',
      author: 'test',
      timestamp: '2026-12-01T00:00:00Z',
      version: 1,
      statements: [],
    }),
  );
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  const config = {
    archs: ['amd64', 'arm64'] as ('amd64' | 'arm64')[],
    mirror: { archive: repo.url, security: repo.securityUrl },
    keyring: ['repo.asc'],
    packages: ['base-files', 'app'],
  };
  const out = join(dir, 'image');
  const report = await pith.build({ config, baseDir: dir, output: `oci:${out}`, vex });
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as {
    manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[];
  };
  const sboms = index.manifests.filter((m) => m.artifactType === 'application/vnd.cyclonedx+json');
  const vexes = index.manifests.filter((m) => m.artifactType === 'application/openvex+json');
  assert.equal(sboms.length, 2);
  assert.equal(vexes.length, 1);
  assert.equal(index.manifests.filter((m) => m.artifactType === undefined).length, 1);
  assert.deepEqual(report.referrers?.map((r) => r.artifactType).sort(), [
    'application/openvex+json',
    'application/vnd.cyclonedx+json',
    'application/vnd.cyclonedx+json',
  ]);
  const blob = async (digest: string) =>
    readFile(join(out, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const top = JSON.parse((await blob(report.digest)).toString()) as {
    manifests: { digest: string; platform: { architecture: string } }[];
  };
  const validate = cycloneDxValidator('1.6');
  const subjects: string[] = [];
  for (const s of sboms) {
    const manifest = JSON.parse((await blob(s.digest)).toString()) as {
      artifactType: string;
      config: { mediaType: string; size: number };
      subject: { digest: string };
      layers: { digest: string; mediaType: string }[];
    };
    assert.equal(manifest.config.mediaType, 'application/vnd.oci.empty.v1+json');
    assert.equal(manifest.config.size, 2);
    subjects.push(manifest.subject.digest);
    const sbom = JSON.parse((await blob(manifest.layers[0]!.digest)).toString()) as {
      metadata: { component: { version: string } };
      components: { name: string }[];
    };
    assert.ok(validate(sbom), JSON.stringify(validate.errors, null, 2));
    assert.equal(sbom.metadata.component.version, manifest.subject.digest);
    assert.ok(sbom.components.some((c) => c.name === 'app'));
  }
  assert.deepEqual(subjects.sort(), top.manifests.map((m) => m.digest).sort());
  const vexManifest = JSON.parse((await blob(vexes[0]!.digest)).toString()) as {
    subject: { digest: string };
  };
  assert.equal(vexManifest.subject.digest, report.digest);

  // readers that take the layout's only image still find it, untagged; inspect lists what refers to it
  const inv = await pith.inventory(`oci:${out}`);
  assert.equal(inv.digest, report.digest);
  assert.deepEqual((await pith.inspect(`oci:${out}`)).referrers, report.referrers);
  // the same inputs, the same referrers
  const again = await pith.build({ config, baseDir: dir, output: `oci:${join(dir, 'again', 'image')}`, vex });
  assert.deepEqual(again.referrers, report.referrers);
  // none when asked for none
  const bare = await pith.build({ config, baseDir: dir, output: `oci:${join(dir, 'bare')}`, sbom: false });
  assert.equal(bare.referrers, undefined);
  const bareIndex = JSON.parse(await readFile(join(dir, 'bare', 'index.json'), 'utf8')) as {
    manifests: unknown[];
  };
  assert.equal(bareIndex.manifests.length, 1);

  // pushed: the registry's referrers API lists the SBOM of each platform manifest
  const registry = await startMemoryRegistry();
  t.after(() => registry.close());
  const pushed = await pith.build({
    config,
    baseDir: dir,
    output: `docker://${registry.host}/team/app:1`,
  });
  assert.equal(pushed.referrers?.length, 2);
  assert.deepEqual((await pith.inspect(`docker://${registry.host}/team/app:1`)).referrers, pushed.referrers);
  for (const m of top.manifests) {
    const res = await fetch(`${registry.url}/v2/team/app/referrers/${m.digest}`);
    const listed = (await res.json()) as { manifests: { artifactType: string }[] };
    assert.deepEqual(
      listed.manifests.map((x) => x.artifactType),
      ['application/vnd.cyclonedx+json'],
    );
  }
});
