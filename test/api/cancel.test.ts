// Cancellation through the API (issue 8, point 2): an AbortSignal fired mid-build — while a .deb download
// stalls, or as the output is being written — rejects with ABORTED and leaves no output and no temporary
// file anywhere (output directory or cache); a build started afterwards in the same process succeeds.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPith, isPithError, type PithConfigInput, type PithEvent } from '../../src/api/index.ts';
import {
  type FakeRepo,
  failGets,
  startFakeRepo,
  startFaultProxy,
  startMemoryRegistry,
} from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';

let repo: FakeRepo;

before(async () => {
  repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [{ name: 'app', version: '1.0-1', files: { 'usr/bin/app': 'x'.repeat(20_000) } }],
    },
    { name: 'trixie-updates', packages: [] },
    { name: 'trixie-security', packages: [] },
  ]);
});
after(() => repo.close());

/** Every path under `dir` whose name marks an unfinished write. */
async function temporaries(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names.filter((n) => /\.tmp$|\.pith-[0-9a-f]+/.test(n));
}

function debianConfig(archive: string, security: string): PithConfigInput {
  return { archs: ['amd64'], mirror: { archive, security }, keyring: ['fake.asc'], packages: ['app'] };
}

function isAborted(err: unknown): boolean {
  return isPithError(err) && err.code === 'ABORTED';
}

describe('cancelling a build with an AbortSignal', () => {
  it('mid-download: ABORTED, no output, no temporaries; the next build in the process succeeds', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'fake.asc'), repo.publicKey);
    const origin = new URL(repo.url).origin;
    // every .deb download stalls after a few bytes, so the build is surely mid-download when it is cancelled
    const proxy = await startFaultProxy(origin, [failGets('.deb', { kind: 'stall', afterBytes: 100 }, 1000)]);
    t.after(() => proxy.close());
    const cacheDir = join(dir, 'cache');
    const pith = createPith({ cacheDir, env: {} });
    const controller = new AbortController();
    const seen: PithEvent[] = [];
    const stalled = pith.build(
      {
        config: debianConfig(
          `${proxy.url}${new URL(repo.url).pathname}`,
          `${proxy.url}${new URL(repo.securityUrl).pathname}`,
        ),
        baseDir: dir,
        output: `oci:${join(dir, 'out')}`,
      },
      {
        signal: controller.signal,
        onEvent: (e) => {
          seen.push(e);
          // the packages are being fetched: let the stalled download start, then cancel
          if (e.type === 'phase' && e.phase === 'install') setTimeout(() => controller.abort(), 300);
        },
      },
    );
    await assert.rejects(stalled, isAborted);
    assert.ok(seen.some((e) => e.type === 'phase' && e.phase === 'install'));
    assert.ok(proxy.requests.some((r) => r.fault === 'stall' && r.path.endsWith('.deb')));
    assert.equal(existsSync(join(dir, 'out')), false, 'no output');
    assert.deepEqual(await temporaries(dir), [], 'no temporary file');

    // the same instance builds again (its own signal was never fired), straight from the repository
    const report = await pith.build({
      config: debianConfig(repo.url, repo.securityUrl),
      baseDir: dir,
      output: `oci:${join(dir, 'out')}`,
    });
    assert.deepEqual(
      report.debian?.[0]?.packages.map((p) => p.name),
      ['app'],
    );
    assert.deepEqual(await temporaries(dir), []);
  });

  it('while the output is written: ABORTED, nothing at the destination, no temporaries', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'data'));
    for (let i = 0; i < 8; i++) await writeFile(join(dir, 'data', `f${i}`), randomBytes(1 << 20));
    const config: PithConfigInput = { archs: ['amd64', 'arm64'], files: [{ src: 'data', dst: '/data' }] };
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
    for (const output of [`oci:${join(dir, 'layout')}`, `oci-archive:${join(dir, 'image.tar')}`]) {
      const controller = new AbortController();
      const writing = pith.build(
        { config, baseDir: dir, output },
        {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === 'phase' && e.phase === 'write') queueMicrotask(() => controller.abort());
          },
        },
      );
      await assert.rejects(writing, isAborted);
      // the layer cache keeps what was compressed (whole entries only); nothing else appears
      assert.deepEqual(
        (await readdir(dir)).filter((n) => n !== 'cache').sort(),
        ['data'],
        `${output}: nothing written beside the inputs`,
      );
      assert.deepEqual(await temporaries(dir), [], `${output}: no temporaries`);
    }
    const done = await pith.build({ config, baseDir: dir, output: `oci:${join(dir, 'layout')}` });
    assert.equal(done.images.length, 2);
  });

  it('mid-push, after the first blob went up: ABORTED, no tag and no manifest in the registry', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'data'));
    for (let i = 0; i < 4; i++) await writeFile(join(dir, 'data', `f${i}`), randomBytes(1 << 20));
    const registry = await startMemoryRegistry();
    t.after(() => registry.close());
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {}, registries: { keychain: false } });
    const controller = new AbortController();
    let blobs = 0;
    const config: PithConfigInput = { archs: ['amd64', 'arm64'], files: [{ src: 'data', dst: '/data' }] };
    const pushing = pith.build(
      { config, baseDir: dir, output: `docker://${registry.host}/cancel/app:1` },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'blob' && ++blobs === 1) controller.abort();
        },
      },
    );
    await assert.rejects(pushing, isAborted);
    assert.ok(blobs >= 1);
    assert.equal(registry.manifests.get('cancel/app')?.size ?? 0, 0, 'no manifest, no tag');
    // the same instance pushes the whole image afterwards
    const done = await pith.build({ config, baseDir: dir, output: `docker://${registry.host}/cancel/app:1` });
    assert.ok(registry.manifests.get('cancel/app')?.has('1'));
    assert.equal(done.images.length, 2);
  });

  it('validate stops reading when cancelled', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'data'));
    for (let i = 0; i < 16; i++) await writeFile(join(dir, 'data', `f${i}`), randomBytes(1 << 20));
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
    const layout = `oci:${join(dir, 'layout')}`;
    await pith.build({
      config: { archs: ['amd64'], files: [{ src: 'data', dst: '/data' }] },
      baseDir: dir,
      output: layout,
    });
    const controller = new AbortController();
    // 16 MiB of incompressible layer to re-hash and decompress: cancelled on the first turn of the loop
    setImmediate(() => controller.abort());
    await assert.rejects(pith.validate(layout, { signal: controller.signal }), isAborted);
    assert.equal((await pith.validate(layout)).valid, true);
  });

  it('a context whose own signal fired refuses every call at once; another context is unaffected', async (t) => {
    const dir = await tempDir(t);
    const controller = new AbortController();
    const stopped = createPith({ signal: controller.signal, cacheDir: join(dir, 'a'), env: {} });
    const other = createPith({ cacheDir: join(dir, 'b'), env: {} });
    controller.abort();
    const config: PithConfigInput = { archs: ['amd64'], files: [{ dir: '/empty' }] };
    await assert.rejects(stopped.build({ config, output: `oci:${join(dir, 'x')}` }), isAborted);
    const report = await other.build({ config, output: `oci:${join(dir, 'y')}` });
    assert.equal(report.images.length, 1);
    assert.equal(existsSync(join(dir, 'x')), false);
  });
});
