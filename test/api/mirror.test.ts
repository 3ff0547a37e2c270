// Locks that outlive the mirror (issue 13, point 4), against pith's signed fake Debian repository and its
// memory registry: `pith mirror` stores every locked .deb in a registry repository (sent once; a second
// run finds them there); after the archive drops a locked version, a --locked build with a fresh cache
// fails without `mirror.registry` and, with it, builds the same digest from the registry; a tampered
// mirrored .deb is refused, naming the package and the registry, and nothing is written.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPith, isPithError } from '../../src/api/index.ts';
import { tempDir } from '../helpers.ts';
import { appRepoAndRegistry } from './app-repo.ts';

const servers = appRepoAndRegistry();

function configText(mirrorRegistry?: string): string {
  return [
    'archs: [amd64]',
    'packages: [app]',
    'keyring: [fake.asc]',
    'mirror:',
    `  archive: ${servers.repo.url}`,
    `  security: ${servers.repo.securityUrl}`,
    ...(mirrorRegistry ? [`  registry: ${mirrorRegistry}`] : []),
    '',
  ].join('\n');
}

describe('pith mirror and --locked builds from the registry', () => {
  it('builds a dropped version from the registry, and refuses a tampered one', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'fake.asc'), servers.repo.publicKey);
    const config = join(dir, 'pith.yaml');
    await writeFile(config, configText());
    const pith = (cache: string) => createPith({ cacheDir: join(dir, cache), env: {} });
    const first = pith('cache-a');
    const { lock } = await first.lock({ config });
    const built = await first.build({
      config,
      locked: true,
      output: `oci:${join(dir, 'out-a')}`,
      sbom: false,
    });

    const dest = `docker://${servers.registry.host}/debs`;
    const mirrored = await first.mirror({ lock: join(dir, 'pith.lock.json'), output: dest });
    assert.deepEqual(
      mirrored.packages.map((p) => [p.name, p.how]),
      [
        ['app', 'uploaded'],
        ['libfoo', 'uploaded'],
      ],
    );
    const app = lock.archs['amd64']!.find((p) => p.name === 'app')!;
    assert.ok(servers.registry.blobs.has(`sha256:${app.sha256}`), 'the .deb is a blob under its own sha256');
    assert.ok(servers.registry.manifests.get('debs')?.has(`deb-${app.sha256}`), 'kept by a tag');
    const again = await first.mirror({ lock: join(dir, 'pith.lock.json'), output: dest });
    assert.deepEqual(
      again.packages.map((p) => p.how),
      ['present', 'present'],
      'nothing is sent twice',
    );

    // Debian drops app 1.0-1 from the pool
    servers.repo.tamper = (path) => (path.endsWith(app.filename) ? null : undefined);
    t.after(() => {
      servers.repo.tamper = undefined;
    });
    await assert.rejects(
      pith('cache-b').build({ config, locked: true, output: `oci:${join(dir, 'out-b')}`, sbom: false }),
      (err: unknown) => isPithError(err) && err.code === 'FETCH_FAILED' && /app 1\.0-1/.test(err.message),
    );
    await writeFile(config, configText(dest));
    const fromRegistry = await pith('cache-c').build({
      config,
      locked: true,
      output: `oci:${join(dir, 'out-c')}`,
      sbom: false,
    });
    assert.equal(fromRegistry.digest, built.digest, 'the same image');

    // a registry that serves other bytes under the digest is refused
    const blob = servers.registry.blobs.get(`sha256:${app.sha256}`)!;
    const tampered = Buffer.from(blob);
    tampered[tampered.length >> 1]! ^= 0xff;
    servers.registry.blobs.set(`sha256:${app.sha256}`, tampered);
    t.after(() => servers.registry.blobs.set(`sha256:${app.sha256}`, blob));
    await assert.rejects(
      pith('cache-d').build({ config, locked: true, output: `oci:${join(dir, 'out-d')}`, sbom: false }),
      (err: unknown) =>
        isPithError(err) &&
        err.code === 'DIGEST_MISMATCH' &&
        err.message.includes('app 1.0-1') &&
        err.message.includes(dest),
    );
    assert.equal(existsSync(join(dir, 'out-d')), false, 'nothing written');
  });
});
