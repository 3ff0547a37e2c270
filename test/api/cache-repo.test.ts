// --cache-repo through the API against pith's memory registry and signed fake Debian repository: a
// second runner with an empty cache pulls every layer and .deb from the repository (none compressed, none
// downloaded from the archive) and gets the same digest; a poisoned record (a layer record pointing at
// another, valid blob) is caught by unpacking it — that layer is compressed again with a warning, and the
// image is still the same; a repository that cannot be reached is a warning for reading and one for
// writing, not a failure, and is not asked again.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPith, type PithEvent } from '../../src/api/index.ts';
import { CacheRepo, clientFor } from '../../src/io/index.ts';
import { LayerStore } from '../../src/layer/index.ts';
import { memoryBlob, parseReference } from '../../src/oci/index.ts';
import { closedPort, tempDir } from '../helpers.ts';
import { appRepoAndRegistry } from './app-repo.ts';

const servers = appRepoAndRegistry();

type Seen = { layers: Extract<PithEvent, { type: 'layer' }>[]; warnings: string[] };

async function runner(t: Parameters<typeof tempDir>[0], cacheRepo: string) {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'fake.asc'), servers.repo.publicKey);
  await writeFile(join(dir, 'app.conf'), 'port=8080\n');
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {}, networkTimeoutMs: 1000 });
  const build = async () => {
    const seen: Seen = { layers: [], warnings: [] };
    const report = await pith.build(
      {
        config: {
          archs: ['amd64'],
          mirror: { archive: servers.repo.url, security: servers.repo.securityUrl },
          keyring: ['fake.asc'],
          packages: ['app'],
          files: [{ src: 'app.conf', dst: '/etc/app.conf' }],
        },
        baseDir: dir,
        cacheRepo,
        output: `oci:${join(dir, 'out')}`,
        sbom: false,
      },
      {
        onEvent: (e) => {
          if (e.type === 'layer') seen.layers.push(e);
          if (e.type === 'warning') seen.warnings.push(e.message);
        },
      },
    );
    return { digest: report.digest, ...seen };
  };
  return { build };
}

const debRequests = () => servers.repo.requests.filter((p) => p.endsWith('.deb')).length;

describe('--cache-repo', () => {
  it('a second runner pulls every layer and .deb; a poisoned record is caught and rebuilt', async (t) => {
    const cacheRepo = `docker://${servers.registry.host}/fleet`;
    const first = await (await runner(t, cacheRepo)).build();
    assert.ok(first.layers.length >= 3);
    assert.ok(first.layers.every((l) => l.how === 'built'));
    assert.deepEqual(first.warnings, []);
    const tags = [...(servers.registry.manifests.get('fleet')?.keys() ?? [])].filter(
      (k) => !k.startsWith('sha256:'),
    );
    assert.equal(tags.filter((k) => k.startsWith('deb-')).length, 2, 'both .deb files stored');
    assert.equal(
      tags.filter((k) => k.startsWith('layer-')).length,
      first.layers.length,
      'every layer stored',
    );

    const downloads = debRequests();
    const second = await (await runner(t, cacheRepo)).build();
    assert.equal(second.digest, first.digest);
    assert.deepEqual(
      second.layers.map((l) => l.how),
      first.layers.map(() => 'pulled'),
    );
    assert.equal(debRequests(), downloads, 'no .deb downloaded from the archive');
    assert.deepEqual(second.warnings, []);

    // poison: the app layer's record now names libfoo's (valid) blob
    const [appLayer, libLayer] = ['debian app', 'debian libfoo'].map(
      (name) => first.layers.find((l) => l.item?.includes(name))!,
    );
    const ref = parseReference(`${servers.registry.host}/fleet`);
    const cache = new CacheRepo(ref, clientFor(ref));
    const libBlob = memoryBlob(
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: libLayer!.digest as `sha256:${string}`,
        size: libLayer!.size,
      },
      servers.registry.blobs.get(libLayer!.digest)!,
    );
    await cache.keepLayer(
      LayerStore.key(appLayer!.diffId as `sha256:${string}`, 'gzip', undefined),
      appLayer!.diffId as `sha256:${string}`,
      libBlob,
    );
    cache.client.transport.close();
    const third = await (await runner(t, cacheRepo)).build();
    assert.equal(third.digest, first.digest, 'the same image all the same');
    assert.deepEqual(
      third.layers.filter((l) => l.how === 'built').map((l) => l.item),
      [appLayer!.item],
    );
    assert.equal(third.warnings.length, 1);
    assert.match(third.warnings[0]!, /ignored: sha256:\w+ unpacks to sha256:\w+, not sha256:\w+/);
  });

  it('a cache repository nobody answers at is a warning, and the build goes on', async (t) => {
    const port = await closedPort();
    const result = await (await runner(t, `docker://127.0.0.1:${port}/fleet`)).build();
    assert.ok(result.layers.every((l) => l.how === 'built'));
    // one warning for reading and one for writing; neither is tried again
    assert.equal(result.warnings.length, 2, result.warnings.join('\n'));
    assert.match(
      result.warnings[0]!,
      new RegExp(`docker://127\\.0\\.0\\.1:${port}/fleet: layer .* ignored: .*ECONNREFUSED`),
    );
    assert.match(
      result.warnings[1]!,
      new RegExp(`docker://127\\.0\\.0\\.1:${port}/fleet: storing layer .*ECONNREFUSED`),
    );
  });
});
