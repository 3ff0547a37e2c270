// `pith debug` against pith's signed fake Debian repository (its busybox-static is a stand-in file, so the
// real binary is left to test/e2e/debug-rebase.test.ts): every platform of an index gets one more layer,
// busybox-static of its own architecture laid out at /busybox (the binary and an absolute link per applet,
// nothing in /bin); every original layer, diff_id and annotation stays; PATH gains /busybox; the shell
// becomes the entrypoint only of an image that runs nothing; the suite is the image's own (os-release),
// else trixie, else --suite; an unknown suite is refused before anything is written. Layouts are read back
// by hand and layers listed with the host's tar.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPith, type DebugRequest, isPithError } from '../../src/api/index.ts';
import { bytesEntry, symlinkEntry, type TarEntry } from '../../src/tar/index.ts';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import {
  imagesAt,
  type LayoutSpec,
  layerListing,
  layerMember,
  topAnnotationsAt,
  writeLayout,
} from '../api/edit-helpers.ts';
import { pith as cli, fakeRepoArgs, tempDir } from '../helpers.ts';

const ARCHS = ['amd64', 'arm64'];
const VERSIONS = { trixie: '1:1.37.0-18', bookworm: '1:1.35.0-4+b4' } as const;

/** busybox-static of a suite, one .deb per architecture, its binary where that suite's package has it. */
function busybox(suite: keyof typeof VERSIONS) {
  const path = suite === 'bookworm' ? 'bin/busybox' : 'usr/bin/busybox';
  return ARCHS.map((arch) => ({
    name: 'busybox-static',
    version: VERSIONS[suite],
    arch,
    files: { [path]: `busybox ${suite} ${arch}\n` },
  }));
}

let repo: FakeRepo;
before(async () => {
  repo = await startFakeRepo(
    (['trixie', 'bookworm'] as const).flatMap((suite) => [
      { name: suite, archs: ARCHS, packages: busybox(suite) },
      { name: `${suite}-updates`, archs: ARCHS, packages: [] },
      { name: `${suite}-security`, archs: ARCHS, packages: [] },
    ]),
  );
});
after(() => repo.close());

/** An image's first layer: a Debian os-release (or another OS's) as base-files lays it out. */
function osLayer(text: string): TarEntry[] {
  return [
    symlinkEntry('etc/os-release', '../usr/lib/os-release'),
    bytesEntry('usr/lib/os-release', Buffer.from(text)),
  ];
}
const BOOKWORM =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

async function setup(t: Parameters<typeof tempDir>[0]) {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'fake.asc'), repo.publicKey);
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  const debug = (req: Omit<DebugRequest, 'mirror' | 'keyrings'>) =>
    pith.debug({
      ...req,
      mirror: { archive: repo.url, security: repo.securityUrl },
      keyrings: [join(dir, 'fake.asc')],
    });
  const source = (name: string, spec: Partial<LayoutSpec> & { os?: string }) =>
    writeLayout(dir, name, {
      archs: ['amd64'],
      layers: (arch) => [osLayer(spec.os ?? BOOKWORM), [bytesEntry(`app/${arch}`, Buffer.from(arch))]],
      ...spec,
    });
  return { dir, pith, debug, source };
}

describe('pith debug', () => {
  it('adds busybox-static of each platform at /busybox; every original layer, diff_id and annotation stays', async (t) => {
    const { dir, pith, debug, source } = await setup(t);
    const src = await source('src', {
      archs: ARCHS,
      config: { Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'], User: '65532' },
      annotations: { 'org.example.kept': 'manifest' },
      indexAnnotations: { 'org.example.kept': 'index' },
    });
    const out = `oci:${join(dir, 'out')}:debug`;
    const report = await debug({ source: src, output: out });
    const before = await imagesAt(src);
    const after = await imagesAt(out);
    assert.equal(report.images.length, 2);
    assert.deepEqual(
      after.map((i) => i.descriptor.platform),
      before.map((i) => i.descriptor.platform),
    );
    assert.deepEqual(await topAnnotationsAt(out), { 'org.example.kept': 'index' });
    for (const [n, b] of before.entries()) {
      const a = after[n]!;
      const arch = b.config.architecture;
      const r = report.images[n]!;
      assert.equal(r.digest, a.descriptor.digest);
      assert.equal(r.sourceDigest, b.descriptor.digest);
      assert.deepEqual([r.suite, r.suiteFrom], ['bookworm', 'image'], 'the suite of the image');
      assert.deepEqual(r.busybox, { name: 'busybox-static', version: VERSIONS.bookworm, architecture: arch });
      assert.deepEqual(a.manifest.layers.slice(0, -1), b.manifest.layers, 'the same layer blobs');
      assert.deepEqual(a.config.rootfs.diff_ids.slice(0, -1), b.config.rootfs.diff_ids);
      assert.equal(a.manifest.layers.length, b.manifest.layers.length + 1);
      assert.deepEqual(a.manifest.annotations, b.manifest.annotations, 'manifest annotations kept');
      assert.deepEqual(a.config.config?.Env, ['PATH=/usr/bin:/bin:/busybox', 'LANG=C.UTF-8']);
      assert.deepEqual(
        a.config.config?.Entrypoint,
        ['/busybox/sh'],
        'an image that runs nothing gets the shell',
      );
      assert.equal(a.config.config?.User, '65532');
      assert.deepEqual(a.config.history?.slice(0, -1), b.config.history);
      assert.match(a.config.history!.at(-1)!.created_by!, /busybox-static 1:1\.35\.0-4\+b4/);
      const layer = a.manifest.layers.at(-1)!.digest;
      const listing = await layerListing(out, layer);
      assert.ok(listing.includes('d busybox/'), listing.slice(0, 3).join('\n'));
      assert.ok(listing.includes('- busybox/busybox'));
      assert.ok(listing.includes('l busybox/sh -> /busybox/busybox'), 'an absolute link per applet');
      assert.ok(listing.length > 100, `${listing.length} entries: the applets of bookworm's list`);
      assert.deepEqual(
        listing.filter((l) => !/^. busybox\//.test(l)),
        [],
        'nothing outside /busybox (no /bin/sh)',
      );
      assert.equal(await layerMember(out, layer, 'busybox/busybox'), `busybox bookworm ${arch}\n`);
    }
    const valid = await pith.validate(out);
    assert.ok(valid.valid, JSON.stringify(valid.problems));
  });

  it('keeps an entrypoint or a command, and a PATH that has /busybox; a non-Debian image gets trixie', async (t) => {
    const { dir, debug, source } = await setup(t);
    const cases = [
      { Entrypoint: ['/usr/bin/python3'], Env: ['PATH=/usr/bin:/busybox'] },
      { Cmd: ['/app/server'] },
    ];
    for (const [n, config] of cases.entries()) {
      const src = await source(`src${n}`, { config, os: 'ID=alpine\nVERSION_ID=3.20.0\n' });
      const out = `oci:${join(dir, `out${n}`)}:v1`;
      const report = await debug({ source: src, output: out });
      assert.deepEqual([report.images[0]!.suite, report.images[0]!.suiteFrom], ['trixie', 'default']);
      const [img] = await imagesAt(out);
      assert.deepEqual(img!.config.config?.Entrypoint ?? null, config.Entrypoint ?? null);
      assert.deepEqual(img!.config.config?.Cmd ?? null, config.Cmd ?? null);
      const path = img!.config.config?.Env?.find((e) => e.startsWith('PATH='));
      // no PATH: the runtimes' default, with /busybox
      assert.equal(
        path,
        n === 0
          ? 'PATH=/usr/bin:/busybox'
          : 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/busybox',
      );
      const layer = img!.manifest.layers.at(-1)!.digest;
      assert.equal(await layerMember(out, layer, 'busybox/busybox'), 'busybox trixie amd64\n');
    }
  });

  it('--suite overrides the image; an unknown suite (given or found) or platform is refused, nothing is written', async (t) => {
    const { dir, debug, source } = await setup(t);
    const src = await source('src', {});
    const over = await debug({ source: src, output: `oci:${join(dir, 'over')}:v1`, suite: 'trixie' });
    assert.deepEqual([over.images[0]!.suite, over.images[0]!.suiteFrom], ['trixie', 'request']);
    const refused = async (req: Omit<DebugRequest, 'mirror' | 'keyrings' | 'output'>, output: string) => {
      const err = await debug({ ...req, output: `oci:${join(dir, output)}:v1` }).then(
        () => assert.fail('accepted'),
        (e: unknown) => e,
      );
      assert.ok(isPithError(err) && err.code === 'UNSUPPORTED_SUITE', String(err));
      assert.equal(existsSync(join(dir, output)), false, 'no output');
      return err.message;
    };
    assert.match(await refused({ source: src, suite: 'sid' }, 'sid'), /suite sid .*trixie, bookworm/);
    const bullseye = await source('bullseye', { os: 'ID=debian\nVERSION_CODENAME=bullseye\n' });
    assert.match(
      await refused({ source: bullseye }, 'b'),
      /\(linux\/amd64\): its os-release names Debian bullseye/,
    );
    const mips = await source('mips', { archs: ['mips64le'] });
    const err = await debug({ source: mips, output: `oci:${join(dir, 'm')}:v1` }).catch((e: unknown) => e);
    assert.ok(isPithError(err) && err.code === 'UNSUPPORTED_PLATFORM', String(err));
    assert.match(err.message, /\(linux\/mips64le\): platform linux\/mips64le is no Debian architecture/);
    assert.equal(existsSync(join(dir, 'm')), false, 'no output');
  });

  it('the command line: one line per platform, or the report with --json', async (t) => {
    const { dir, source } = await setup(t);
    const src = await source('src', { archs: ARCHS });
    const args = (out: string) => [
      'debug',
      src,
      '--output',
      `oci:${join(dir, out)}:v1`,
      ...fakeRepoArgs(repo, dir),
    ];
    const text = await cli(args('text'));
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(
      lines[1]!,
      /^ {2}linux\/amd64 sha256:[0-9a-f]{64} 3 layers \(2 kept \+ busybox-static 1:1\.35\.0-4\+b4 from bookworm\)$/,
    );
    assert.match(lines[2]!, /^ {2}linux\/arm64\/v8 sha256:/);
    const json = await cli([...args('json'), '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { images: { layers: number; suite: string }[] };
    assert.deepEqual(
      report.images.map((i) => [i.layers, i.suite]),
      [
        [3, 'bookworm'],
        [3, 'bookworm'],
      ],
    );
    const bad = await cli([...args('bad'), '--suite', 'sid', '--json']);
    assert.equal(bad.code, 3);
    assert.equal((JSON.parse(bad.stdout) as { error: { code: string } }).error.code, 'UNSUPPORTED_SUITE');
  });
});
