// `pith rebase`, offline: an app built by pith `from:` an older base (a layout, and a registry tag that has
// since moved: pith/testing's memory registry) is moved onto a newer base, for every platform of an index:
// the base layers, diff_ids and history entries are the new base's, the app's own layers, history and
// config stay, the base annotations name the new base; an image not on the old base given is refused
// naming the platform and the layer, one that names no base asks for --old-base, and nothing is written.
// Layouts are read back by hand.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPith, isPithError, type Pith } from '../../src/api/index.ts';
import { bytesEntry } from '../../src/tar/index.ts';
import { startMemoryRegistry } from '../../src/testing/index.ts';
import { imagesAt, topAnnotationsAt, writeLayout } from '../api/edit-helpers.ts';
import { pith as cli, tempDir } from '../helpers.ts';

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
const ARCHS = ['amd64', 'arm64'];

/** Two bases of the same two platforms: v1 with two layers, v2 with three, the first of them v1's. */
async function bases(dir: string) {
  const v1 = await writeLayout(dir, 'base-v1', {
    archs: ARCHS,
    config: { Env: ['PATH=/usr/bin:/bin'], User: '0' },
    layers: (arch) => [
      [bytesEntry('usr/lib/os-release', Buffer.from('ID=debian\nVERSION_ID=1\n'))],
      [bytesEntry(`usr/lib/${arch}/libc.so.6`, Buffer.from('libc 1'))],
    ],
  });
  const v2 = await writeLayout(dir, 'base-v2', {
    archs: ARCHS,
    config: { Env: ['PATH=/usr/bin:/bin'], User: '0' },
    layers: (arch) => [
      [bytesEntry('usr/lib/os-release', Buffer.from('ID=debian\nVERSION_ID=1\n'))],
      [bytesEntry(`usr/lib/${arch}/libc.so.6`, Buffer.from('libc 2 (security fix)'))],
      [bytesEntry('etc/ssl/certs/ca-certificates.crt', Buffer.from('certs'))],
    ],
  });
  return { v1, v2 };
}

/** An app `from:` a base: its files layer, its own entrypoint, env and user, for both platforms. */
async function app(pith: Pith, dir: string, from: string): Promise<string> {
  const output = `oci:${join(dir, 'app')}:v1`;
  await pith.build({
    config: {
      from,
      archs: ['amd64', 'arm64'],
      files: [{ dir: '/app' }],
      entrypoint: ['server'], // a PATH lookup: the build does not look for it
      env: { APP_MODE: 'production' },
      user: '65532',
    },
    output,
  });
  return output;
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => assert.fail('accepted'),
    (e: unknown) => e,
  );
  assert.ok(isPithError(err), String(err));
  return err;
}

describe('pith rebase', () => {
  it('moves an app onto a newer base, every platform: base layers swapped, app layers and config kept', async (t) => {
    const dir = await tempDir(t);
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
    const { v1, v2 } = await bases(dir);
    const src = await app(pith, dir, v1);
    const out = `oci:${join(dir, 'out')}:rebased`;
    const report = await pith.rebase({ source: src, base: v2, output: out });
    const [before, after, oldBase, newBase] = await Promise.all([src, out, v1, v2].map(imagesAt));
    assert.deepEqual(report.base, { name: v2, digest: report.base.digest });
    assert.equal(after!.length, 2);
    for (const [n, a] of after!.entries()) {
      const b = before![n]!;
      const nb = newBase![n]!;
      assert.equal(a.config.architecture, b.config.architecture);
      assert.deepEqual(a.descriptor.platform, b.descriptor.platform);
      const appLayers = b.manifest.layers.slice(2);
      assert.equal(appLayers.length, 1, 'the files layer');
      assert.deepEqual(
        a.manifest.layers,
        [...nb.manifest.layers, ...appLayers],
        'new base, then the app layers as they were',
      );
      assert.deepEqual(a.config.rootfs.diff_ids, [
        ...nb.config.rootfs.diff_ids,
        ...b.config.rootfs.diff_ids.slice(2),
      ]);
      assert.deepEqual(a.config.history, [...nb.config.history!, ...b.config.history!.slice(2)]);
      assert.deepEqual(a.config.config, b.config.config, 'the entrypoint, env, user of the app');
      assert.equal(b.manifest.annotations?.[BASE_DIGEST], oldBase![n]!.descriptor.digest);
      assert.equal(a.manifest.annotations?.[BASE_NAME], v2);
      assert.equal(a.manifest.annotations?.[BASE_DIGEST], nb.descriptor.digest);
      const r = report.images[n]!;
      assert.deepEqual(
        [r.digest, r.sourceDigest, r.layers, r.appLayers, r.oldBase.layers, r.newBase.layers],
        [a.descriptor.digest, b.descriptor.digest, 4, 1, 2, 3],
      );
      assert.deepEqual([r.oldBase.name, r.oldBase.digest], [v1, oldBase![n]!.descriptor.digest]);
    }
    const valid = await pith.validate(out);
    assert.ok(valid.valid, JSON.stringify(valid.problems));
    // rebasing back gives the app again, byte for byte
    const back = await pith.rebase({ source: out, base: v1, output: `oci:${join(dir, 'back')}:v1` });
    const again = await imagesAt(`oci:${join(dir, 'back')}:v1`);
    assert.deepEqual(
      again.map((i) => i.descriptor.digest),
      before!.map((i) => i.descriptor.digest),
    );
    assert.equal(back.digest, await pith.digest(src));
  });

  it('finds the old base by its digest when its registry tag has moved since', async (t) => {
    const dir = await tempDir(t);
    const registry = await startMemoryRegistry();
    t.after(() => registry.close());
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {}, registries: { keychain: false } });
    const { v1, v2 } = await bases(dir);
    const tag = `${registry.host}/base:latest`;
    await pith.copy(v1, `docker://${tag}`);
    const src = await app(pith, dir, tag);
    await pith.copy(v2, `docker://${tag}`); // the tag moves to the patched base
    const out = `oci:${join(dir, 'out')}:v1`;
    const report = await pith.rebase({ source: src, base: tag, output: out });
    assert.deepEqual(
      report.images.map((i) => [i.oldBase.layers, i.newBase.layers, i.appLayers]),
      [
        [2, 3, 1],
        [2, 3, 1],
      ],
    );
    const [img] = await imagesAt(out);
    assert.equal(img!.manifest.annotations?.[BASE_NAME], tag);
  });

  it('refuses an image not on the old base (naming platform and layer), or naming no base; nothing is written', async (t) => {
    const dir = await tempDir(t);
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
    const { v1, v2 } = await bases(dir);
    const src = await app(pith, dir, v1);
    const out = (name: string) => `oci:${join(dir, name)}:v1`;
    const wrong = await refusal(pith.rebase({ source: src, base: v2, oldBase: v2, output: out('wrong') }));
    assert.equal(wrong.code, 'NOT_ON_BASE');
    assert.match(
      wrong.message,
      /\(linux\/amd64\): layer 1 \(diff_id sha256:[0-9a-f]{64}\) is not layer 1 of the old base/,
    );
    const bare = await writeLayout(dir, 'bare', {
      archs: ['amd64'],
      layers: () => [[bytesEntry('app', Buffer.from('x'))]],
    });
    const none = await refusal(pith.rebase({ source: bare, base: v2, output: out('none') }));
    assert.equal(none.code, 'NO_OLD_BASE');
    assert.match(none.message, /--old-base/);
    const short = await refusal(pith.rebase({ source: bare, base: v2, oldBase: v1, output: out('short') }));
    assert.equal(short.code, 'NOT_ON_BASE');
    assert.match(short.message, /has 1 layer\(s\), fewer than the 2 of its old base/);
    for (const name of ['wrong', 'none', 'short']) assert.equal(existsSync(join(dir, name)), false, name);
  });

  it('the command line: one line per platform, or the report with --json; index annotations follow', async (t) => {
    const dir = await tempDir(t);
    const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
    const { v1, v2 } = await bases(dir);
    const src = await app(pith, dir, v1);
    const text = await cli(['rebase', src, '--base', v2, '--output', `oci:${join(dir, 'text')}:v1`]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /^ {2}linux\/amd64 sha256:[0-9a-f]{64} 4 layers \(base 2 → 3, 1 kept\)$/);
    const json = await cli([
      'rebase',
      src,
      '--base',
      v2,
      '--old-base',
      v1,
      '--output',
      `oci:${join(dir, 'j')}:v1`,
      '--json',
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(
      (JSON.parse(json.stdout) as { images: { appLayers: number }[] }).images.map((i) => i.appLayers),
      [1, 1],
    );
    assert.equal(await topAnnotationsAt(`oci:${join(dir, 'j')}:v1`), undefined, 'pith indexes name no base');
    const usage = await cli(['rebase', src, '--output', `oci:${join(dir, 'u')}:v1`]);
    assert.equal(usage.code, 2, 'the new base is required');
    const refused = await cli([
      'rebase',
      src,
      '--base',
      v2,
      '--old-base',
      v2,
      '--output',
      `oci:${join(dir, 'r')}:v1`,
      '--json',
    ]);
    assert.equal(refused.code, 3);
    assert.equal((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'NOT_ON_BASE');
  });
});
