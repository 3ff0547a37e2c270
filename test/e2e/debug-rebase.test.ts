// `pith debug` and `pith rebase` on images pith built from the real Debian archive, run under podman + runc
// and read by skopeo and umoci. debug: the python3 and nodejs24 presets keep their entrypoints and gain
// /busybox/sh; a
// two-platform `static` index gets each architecture's real busybox-static (an AArch64 ELF for arm64), the
// very layer pith's own debug variant holds, and every original layer unchanged; a bookworm image gets
// bookworm's busybox (read from its os-release). rebase: an app `from:` an older `base` moves onto a newer
// one, its own layers kept, and runs; an old base it is not built on is refused naming the layer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DebugReport, RebaseReport } from '../../src/api/index.ts';
import { pith, ROOT, run } from '../helpers.ts';
import {
  buildJson,
  CACHE_DIR,
  EM_AARCH64,
  EM_X86_64,
  elfMachine,
  extractMembers,
  type LayoutImage,
  layoutImages,
  Podman,
} from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'pith-e2e-edit-'));
const tag = `t${process.pid}`;
const podman = new Podman();

after(async () => {
  await podman.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** Runs a pith command with --json and the shared cache where it downloads, asserting exit 0. */
async function pithJson<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const r = await pith([...args, '--json'], { env });
  assert.equal(r.code, 0, `pith ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Copies the linux/amd64 image of a layout to a docker-archive and loads it into podman. */
async function load(layout: string, name: string): Promise<string> {
  const file = join(work, `${name}.tar`);
  await pithJson([
    'copy',
    '--platform',
    'linux/amd64',
    layout,
    `docker-archive:${file}:localhost/pith-e2e/${name}:${tag}`,
  ]);
  return podman.load(file);
}

const layerDigests = (img: LayoutImage) => img.manifest.layers.map((l) => l.digest);

describe('pith debug', { concurrency: 1 }, () => {
  it('python3 keeps its entrypoint, gains /busybox/sh and PATH, and runs both under podman', async () => {
    await buildJson({
      preset: 'python3',
      suite: 'trixie',
      archs: ['amd64'],
      output: `oci:${work}/python3:v1`,
    });
    const report = await pithJson<DebugReport>([
      'debug',
      `oci:${work}/python3:v1`,
      '--output',
      `oci:${work}/python3-debug:v1`,
      '--cache-dir',
      CACHE_DIR,
    ]);
    assert.deepEqual([report.images[0]!.suite, report.images[0]!.suiteFrom], ['trixie', 'image']);
    const [before] = await layoutImages(join(work, 'python3'), 'v1');
    const [debug] = await layoutImages(join(work, 'python3-debug'), 'v1');
    assert.deepEqual(
      layerDigests(debug!).slice(0, -1),
      layerDigests(before!),
      'every original layer unchanged',
    );
    assert.deepEqual(debug!.config.rootfs.diff_ids.slice(0, -1), before!.config.rootfs.diff_ids);
    assert.deepEqual(debug!.config.config?.Entrypoint, ['/usr/bin/python3.13']);
    assert.ok(debug!.config.config?.Env?.some((e) => e.startsWith('PATH=') && e.endsWith(':/bin:/busybox')));
    const image = await load(`oci:${work}/python3-debug:v1`, 'python3-debug');
    assert.equal(await podman.ok(image, [], ['-c', 'print(6*7)']), '42\n', 'the entrypoint is python still');
    const root = await podman.ok(image, ['--entrypoint', '/busybox/sh'], ['-c', 'ls /']);
    assert.ok(root.split(/\s+/).includes('busybox'), root);
    assert.equal(
      await podman.ok(image, ['--entrypoint', 'sh'], ['-c', 'which wget']),
      '/busybox/wget\n',
      'on PATH',
    );
  });

  it('nodejs24 keeps /nodejs/bin/node as its entrypoint, gains /busybox/sh, every layer unchanged', async () => {
    await buildJson({ preset: 'nodejs24', archs: ['amd64'], output: `oci:${work}/node24:v1` });
    await pithJson<DebugReport>([
      'debug',
      `oci:${work}/node24:v1`,
      '--output',
      `oci:${work}/node24-debug:v1`,
      '--cache-dir',
      CACHE_DIR,
    ]);
    const [before] = await layoutImages(join(work, 'node24'), 'v1');
    const [debug] = await layoutImages(join(work, 'node24-debug'), 'v1');
    assert.deepEqual(
      layerDigests(debug!).slice(0, -1),
      layerDigests(before!),
      'every original layer unchanged',
    );
    assert.deepEqual(debug!.config.config?.Entrypoint, ['/nodejs/bin/node']);
    const image = await load(`oci:${work}/node24-debug:v1`, 'node24-debug');
    assert.equal(
      await podman.ok(image, [], ['-e', 'console.log(6*7)']),
      '42\n',
      'the entrypoint is node still',
    );
    const root = await podman.ok(image, ['--entrypoint', '/busybox/sh'], ['-c', 'ls /']);
    for (const d of ['busybox', 'nodejs', 'etc']) assert.ok(root.split(/\s+/).includes(d), root);
  });

  it("a two-platform static index: real busybox-static per architecture, the layer of pith's own debug variant", async () => {
    await buildJson({
      preset: 'static',
      suite: 'trixie',
      archs: ['amd64', 'arm64'],
      output: `oci:${work}/static:v1`,
    });
    const report = await pithJson<DebugReport>([
      'debug',
      `oci:${work}/static:v1`,
      '--output',
      `oci:${work}/static-debug:v1`,
      '--cache-dir',
      CACHE_DIR,
    ]);
    const before = await layoutImages(join(work, 'static'), 'v1');
    const debug = await layoutImages(join(work, 'static-debug'), 'v1');
    assert.deepEqual(
      debug.map((i) => i.descriptor.platform),
      before.map((i) => i.descriptor.platform),
    );
    for (const [n, img] of debug.entries()) {
      assert.deepEqual(
        layerDigests(img).slice(0, -1),
        layerDigests(before[n]!),
        'every original layer unchanged',
      );
      assert.deepEqual(img.config.config?.Entrypoint, ['/busybox/sh']);
      assert.equal(report.images[n]!.digest, img.descriptor.digest);
      const dest = join(work, `bb-${n}`);
      await run('mkdir', ['-p', dest]);
      await extractMembers(join(work, 'static-debug'), img.manifest.layers.at(-1)!.digest, dest, [
        'busybox/busybox',
      ]);
      const machine = img.config.architecture === 'arm64' ? EM_AARCH64 : EM_X86_64;
      assert.equal(await elfMachine(join(dest, 'busybox/busybox')), machine, img.config.architecture);
    }
    // the same layer, env and entrypoint as `--variant debug` builds (for amd64)
    await buildJson({
      preset: 'static',
      variant: 'debug',
      suite: 'trixie',
      archs: ['amd64'],
      output: `oci:${work}/static-variant:v1`,
    });
    const [variant] = await layoutImages(join(work, 'static-variant'), 'v1');
    const busyboxAt = variant!.config
      .history!.filter((h) => !h.empty_layer)
      .findIndex((h) => /busybox/.test(h.created_by ?? ''));
    const amd64 = debug.find((i) => i.config.architecture === 'amd64')!;
    assert.equal(amd64.manifest.layers.at(-1)!.digest, variant!.manifest.layers[busyboxAt]!.digest);
    assert.deepEqual(amd64.config.config?.Env, variant!.config.config?.Env);
    assert.deepEqual(amd64.config.config?.Entrypoint, variant!.config.config?.Entrypoint);
    const image = await load(`oci:${work}/static-debug:v1`, 'static-debug');
    const root = (await podman.ok(image, [], ['-c', 'ls /'])).split(/\s+/).filter(Boolean);
    for (const d of ['busybox', 'etc', 'usr']) assert.ok(root.includes(d), root.join(' '));
    const sh = await podman.run(image, ['--entrypoint', '/bin/sh'], ['-c', 'true']);
    assert.notEqual(sh.code, 0, 'still no /bin/sh');
  });

  it("a bookworm image gets bookworm's busybox-static, read from its os-release", async () => {
    await buildJson({
      preset: 'static',
      suite: 'bookworm',
      archs: ['amd64'],
      output: `oci:${work}/static12:v1`,
    });
    const report = await pithJson<DebugReport>([
      'debug',
      `oci:${work}/static12:v1`,
      '--output',
      `oci:${work}/static12-debug:v1`,
      '--cache-dir',
      CACHE_DIR,
    ]);
    assert.deepEqual([report.images[0]!.suite, report.images[0]!.suiteFrom], ['bookworm', 'image']);
    const image = await load(`oci:${work}/static12-debug:v1`, 'static12-debug');
    const banner = await podman.run(image, [], ['-c', 'busybox | head -1']);
    assert.match(banner.stdout, /^BusyBox v1\.35\.0 \(Debian 1:1\.35\.0/, banner.stderr);
  });
});

describe('pith rebase', { concurrency: 1 }, () => {
  it('moves an app from an older base onto a newer one; it runs, skopeo and umoci read it', async () => {
    // two builds of the base preset with different SOURCE_DATE_EPOCH: other mtimes, other digests
    for (const [name, epoch] of [
      ['base-old', '0'],
      ['base-new', '1700000000'],
    ] as const) {
      const args = [
        'build',
        '--preset',
        'base',
        '--suite',
        'trixie',
        '--arch',
        'amd64',
        '--cache-dir',
        CACHE_DIR,
      ];
      await pithJson([...args, '--output', `oci:${work}/${name}:v1`], { SOURCE_DATE_EPOCH: epoch });
    }
    await copyFile(join(ROOT, 'examples/hello/hello-amd64'), join(work, 'hello'));
    await writeFile(
      join(work, 'app.yaml'),
      `from: oci:${work}/base-old:v1\narchs: [amd64]\nfiles:\n  - src: hello\n    dst: /usr/bin/hello\n    mode: "0755"\nentrypoint: [/usr/bin/hello]\nuser: "65532"\n`,
    );
    await pithJson(['build', join(work, 'app.yaml'), '--output', `oci:${work}/app:v1`]);
    const report = await pithJson<RebaseReport>([
      'rebase',
      `oci:${work}/app:v1`,
      '--base',
      `oci:${work}/base-new:v1`,
      '--output',
      `oci:${work}/rebased:v1`,
    ]);
    const only = async (d: string) => (await layoutImages(join(work, d), 'v1'))[0];
    const [app, oldBase, newBase, rebased] = [
      await only('app'),
      await only('base-old'),
      await only('base-new'),
      await only('rebased'),
    ];
    const n = oldBase!.manifest.layers.length;
    assert.deepEqual(layerDigests(app!).slice(0, n), layerDigests(oldBase!), 'the app sits on the old base');
    assert.notDeepEqual(layerDigests(oldBase!), layerDigests(newBase!), 'the two bases differ');
    assert.deepEqual(layerDigests(rebased!), [...layerDigests(newBase!), ...layerDigests(app!).slice(n)]);
    assert.deepEqual(rebased!.config.config, app!.config.config, "the app's entrypoint, user, env");
    assert.equal(
      rebased!.manifest.annotations?.['org.opencontainers.image.base.name'],
      `oci:${work}/base-new:v1`,
    );
    assert.deepEqual(
      [report.images[0]!.appLayers, report.images[0]!.newBase.layers],
      [app!.manifest.layers.length - n, newBase!.manifest.layers.length],
    );

    const image = await load(`oci:${work}/rebased:v1`, 'rebased');
    assert.equal(await podman.ok(image), 'hello from a pith image (uid 65532)\n');

    const inspect = await run('skopeo', ['inspect', `oci:${work}/rebased:v1`]);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.deepEqual((JSON.parse(inspect.stdout) as { Layers: string[] }).Layers, layerDigests(rebased!));
    const bundle = join(work, 'bundle');
    const unpack = await run('umoci', ['unpack', '--image', `${work}/rebased:v1`, bundle]);
    assert.equal(unpack.code, 0, unpack.stderr);
    const newRelease = await readFile(join(bundle, 'rootfs/usr/lib/os-release'), 'utf8');
    assert.match(newRelease, /^ID=debian$/m);
    const runtime = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as {
      process: { args: string[] };
    };
    assert.deepEqual(runtime.process.args, ['/usr/bin/hello']);

    // an old base the app is not built on: refused, naming the platform and the layer
    const wrong = await pith([
      'rebase',
      `oci:${work}/app:v1`,
      '--base',
      `oci:${work}/base-new:v1`,
      '--old-base',
      `oci:${work}/base-new:v1`,
      '--output',
      `oci:${work}/wrong:v1`,
      '--json',
    ]);
    assert.equal(wrong.code, 3, wrong.stderr);
    const error = (JSON.parse(wrong.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'NOT_ON_BASE');
    assert.match(
      error.message,
      /\(linux\/amd64\): layer \d+ \(diff_id sha256:[0-9a-f]{64}\) is not layer \d+ of the old base/,
    );
  });
});
