// Issue 3, point 5 on the real mirror: an amd64+arm64 index built twice and rebuilt --locked from its
// lock has one digest; and the bookworm presets (not merged-/usr) build and run under podman + runc.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pith, run, tempDir } from '../helpers.ts';
import { blobPath, buildJson, CACHE_DIR, listLayer, Podman } from './helpers.ts';

const podman = new Podman();
after(() => podman.cleanup());

describe('real mirror: lock and bookworm', { concurrency: 1 }, () => {
  it('an amd64+arm64 base index: two builds and a --locked rebuild give one index digest', async (t) => {
    const dir = await tempDir(t);
    const config = join(dir, 'pith.yaml');
    await writeFile(
      config,
      'preset: base\nvariant: nonroot\narchs: [amd64, arm64]\npackages: [libstdc++6]\n',
    );
    const a = await buildJson({ config, output: `oci:${dir}/a:v1` });
    const b = await buildJson({ config, output: `oci:${dir}/b:v1` });
    assert.equal(a.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.equal(b.digest, a.digest);
    const lock = await pith(['lock', config, '--cache-dir', CACHE_DIR, '--json']);
    assert.equal(lock.code, 0, lock.stderr);
    const locked = JSON.parse(lock.stdout) as { lock: { archs: Record<string, { name: string }[]> } };
    assert.deepEqual(Object.keys(locked.lock.archs).sort(), ['amd64', 'arm64']);
    assert.ok(
      locked.lock.archs['arm64']!.some((p) => p.name === 'libgcc-s1'),
      'libstdc++6 was resolved: its dependencies are locked',
    );
    const c = await pith([
      'build',
      config,
      '--output',
      `oci:${dir}/c:v1`,
      '--cache-dir',
      CACHE_DIR,
      '--locked',
      '--json',
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal((JSON.parse(c.stdout) as { digest: string }).digest, a.digest);
    await writeFile(
      config,
      'preset: base\nvariant: nonroot\narchs: [amd64, arm64]\npackages: [libstdc++6, libgomp1]\n',
    );
    const stale = await pith([
      'build',
      config,
      '--output',
      `oci:${dir}/d:v1`,
      '--cache-dir',
      CACHE_DIR,
      '--locked',
    ]);
    assert.equal(stale.code, 3);
    assert.match(
      stale.stderr,
      /pith\.lock\.json: the config's packages.*changed since the lock was made; run pith lock again/,
    );
  });

  for (const preset of ['static', 'base-nossl', 'base', 'cc'] as const) {
    it(`bookworm ${preset} builds with real /bin and /lib (no merged /usr)`, async (t) => {
      const dir = await tempDir(t);
      const r = await buildJson({ preset, suite: 'bookworm', archs: ['amd64'], output: `oci:${dir}/l:v1` });
      const names = r.debian![0]!.packages.map((p) => p.name);
      assert.ok(names.includes('base-files') && !names.includes('tzdata-legacy'));
      if (preset !== 'static' && preset !== 'base-nossl') assert.ok(names.includes('libssl3'));
      const baseFiles = r.images[0]!.layers[0]!.digest;
      const listing = await run('tar', ['-tvzf', blobPath(join(dir, 'l'), baseFiles)]);
      assert.match(listing.stdout, /^d\S* .* bin\/$/m, 'bookworm base-files ships a real /bin directory');
      assert.ok((await listLayer(join(dir, 'l'), baseFiles)).includes('usr/share/doc/base-files/copyright'));
    });
  }

  it('bookworm base:debug runs busybox under podman + runc', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'img.tar');
    await buildJson({
      preset: 'base',
      variant: 'debug',
      suite: 'bookworm',
      archs: ['amd64'],
      output: `docker-archive:${file}:localhost/pith-e2e/bookworm-base:debug`,
    });
    const image = await podman.load(file);
    const out = await podman.ok(
      image,
      [],
      ['-c', 'cat /etc/debian_version; ls /lib/x86_64-linux-gnu/libc.so.6'],
    );
    assert.match(out, /^12\.\d+\n\/lib\/x86_64-linux-gnu\/libc\.so\.6\n$/);
  });
});
