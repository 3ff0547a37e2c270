// Acceptance (issue 2, point 2): skopeo and umoci accept the OCI layouts pith writes; `skopeo copy` from
// pith's OCI archive to a dir: target succeeds; and pith reads back what skopeo writes.
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pith, ROOT, run, tempDir } from '../helpers.ts';

const HELLO = join(ROOT, 'examples/hello/pith.yaml');

async function buildTo(t: Parameters<typeof tempDir>[0], output: (dir: string) => string, config = HELLO) {
  const dir = await tempDir(t);
  const r = await pith(['build', config, '--output', output(dir), '--json']);
  assert.equal(r.code, 0, r.stderr);
  return {
    dir,
    report: JSON.parse(r.stdout) as { digest: string; images: { digest: string; platform: string }[] },
  };
}

test('skopeo inspects the two-platform index and each platform image pith wrote', async (t) => {
  const { dir, report } = await buildTo(t, (d) => `oci:${d}/layout:v1`);
  const raw = await run('skopeo', ['inspect', '--raw', `oci:${dir}/layout:v1`]);
  assert.equal(raw.code, 0, raw.stderr);
  const index = JSON.parse(raw.stdout) as { manifests: { platform: { architecture: string } }[] };
  assert.deepEqual(
    index.manifests.map((m) => m.platform.architecture),
    ['amd64', 'arm64'],
  );
  assert.equal(
    raw.stdout,
    await readFile(join(dir, 'layout', 'blobs', 'sha256', report.digest.slice(7)), 'utf8'),
  );
  for (const arch of ['amd64', 'arm64']) {
    const r = await run('skopeo', [
      'inspect',
      '--override-arch',
      arch,
      '--override-os',
      'linux',
      `oci:${dir}/layout:v1`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout) as {
      Architecture: string;
      Digest: string;
      Labels: Record<string, string>;
      Layers: string[];
    };
    assert.equal(info.Architecture, arch);
    assert.equal(
      info.Digest,
      report.digest,
      'skopeo reports the digest of what the reference names: the index',
    );
    assert.equal(info.Labels['org.opencontainers.image.title'], 'hello');
    assert.equal(info.Layers.length, 2);
  }
});

test('skopeo copy from pith oci-archive to dir: succeeds, for every platform', async (t) => {
  const { dir, report } = await buildTo(t, (d) => `oci-archive:${d}/hello.tar:hello:1`);
  const target = join(dir, 'copied');
  const r = await run('skopeo', ['copy', '--all', `oci-archive:${dir}/hello.tar:hello:1`, `dir:${target}`]);
  assert.equal(r.code, 0, r.stderr);
  const files = await readdir(target);
  assert.ok(files.includes('manifest.json') && files.includes('version'), files.join(' '));
  assert.equal(JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8')).manifests.length, 2);
  const single = join(dir, 'single');
  const one = await run('skopeo', [
    'copy',
    '--override-arch',
    'arm64',
    `oci-archive:${dir}/hello.tar:hello:1`,
    `dir:${single}`,
  ]);
  assert.equal(one.code, 0, one.stderr);
  const manifestDigest = report.images.find((i) => i.platform.includes('arm64'))!.digest;
  const copied = await readFile(join(single, 'manifest.json'));
  assert.equal(
    `sha256:${(await import('node:crypto')).createHash('sha256').update(copied).digest('hex')}`,
    manifestDigest,
    'skopeo kept the manifest bytes',
  );
});

test('umoci unpacks and stats a single-platform layout pith wrote', async (t) => {
  const cfgDir = await tempDir(t);
  const config = join(cfgDir, 'pith.yaml');
  const yaml = (await readFile(HELLO, 'utf8'))
    .replace(/^archs:.*$/m, 'archs: [amd64]')
    .replace('hello-{arch}', join(ROOT, 'examples/hello/hello-amd64'));
  // the config lives elsewhere, so the checkout is named as its build context
  await (await import('node:fs/promises')).writeFile(config, `context: ${ROOT}\n${yaml}`);
  const { dir } = await buildTo(t, (d) => `oci:${d}/layout:v1`, config);
  const st = await run('umoci', ['stat', '--image', `${dir}/layout:v1`]);
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /pith: accounts/);
  const bundle = join(dir, 'bundle');
  const up = await run('umoci', ['unpack', '--image', `${dir}/layout:v1`, bundle]);
  assert.equal(up.code, 0, up.stderr);
  const rootfs = join(bundle, 'rootfs');
  assert.equal((await stat(join(rootfs, 'usr/bin/hello'))).mode & 0o7777, 0o755);
  assert.equal((await stat(join(rootfs, 'tmp'))).mode & 0o7777, 0o1777);
  const home = await stat(join(rootfs, 'home/nonroot'));
  assert.deepEqual([home.mode & 0o7777, home.uid, home.gid], [0o700, 65532, 65532]);
  assert.match(
    await readFile(join(rootfs, 'etc/passwd'), 'utf8'),
    /^nonroot:x:65532:65532:nonroot:\/home\/nonroot:\/sbin\/nologin$/m,
  );
  const runtime = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as {
    process: { args: string[]; user: { uid: number } };
  };
  assert.deepEqual(runtime.process.args, ['/usr/bin/hello']);
  assert.equal(runtime.process.user.uid, 65532);
});

test('pith reads back and validates what skopeo writes (docker-archive, oci layout)', async (t) => {
  const { dir, report } = await buildTo(t, (d) => `oci:${d}/layout:v1`);
  const darchive = join(dir, 'skopeo-docker.tar');
  const c1 = await run('skopeo', [
    'copy',
    '--override-arch',
    'amd64',
    `oci:${dir}/layout:v1`,
    `docker-archive:${darchive}:example/hello:2`,
  ]);
  assert.equal(c1.code, 0, c1.stderr);
  const v1 = await pith(['validate', `docker-archive:${darchive}:example/hello:2`, '--json']);
  assert.equal(v1.code, 0, v1.stdout + v1.stderr);
  assert.equal((JSON.parse(v1.stdout) as { valid: boolean }).valid, true);
  const c2 = await run('skopeo', ['copy', '--all', `oci:${dir}/layout:v1`, `oci:${dir}/copy:v2`]);
  assert.equal(c2.code, 0, c2.stderr);
  const v2 = await pith(['validate', `oci:${dir}/copy:v2`, '--json']);
  assert.equal(v2.code, 0, v2.stdout + v2.stderr);
  const inspected = await pith(['inspect', `oci:${dir}/copy:v2`, '--json']);
  assert.equal(
    (JSON.parse(inspected.stdout) as { digest: string }).digest,
    report.digest,
    'skopeo copy --all keeps the index digest',
  );
});
