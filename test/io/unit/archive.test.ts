// oci-archive and docker-archive files: round trips, compressed copies, the docker manifest.json pith
// writes, and classic `docker save` tars made here with GNU tar.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import {
  dirSource,
  readDockerArchive,
  readLayout,
  readOciArchive,
  tarSource,
  writeDockerArchive,
  writeLayoutDir,
  writeOciArchive,
} from '../../../src/io/index.ts';
import {
  Annotation,
  type Artifact,
  blobsInPushOrder,
  configPlatform,
  hostPlatform,
  type Image,
  imagesOf,
  LIMITS,
  MediaType,
  memoryBlob,
  parseIndex,
  parseReference,
  platformMatches,
  topDocument,
  validate,
} from '../../../src/oci/index.ts';
import { sha256 } from '../../../src/util/index.ts';
import { tempDir } from '../../helpers.ts';
import { classicDockerSave, readBlob, smallImage, twoPlatformIndex } from '../../oci/fixtures.ts';
import { pithError, tempLeftovers } from './helpers.ts';

function gnuTar(args: string[], cwd?: string): string {
  const r = spawnSync('tar', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `tar ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function member(file: string, path: string): Promise<Buffer> {
  const b = await (await tarSource(file)).read(path, LIMITS.configBytes);
  assert.ok(b, `${file} has no ${path}`);
  return b;
}

async function assertSame(back: Artifact, original: Artifact): Promise<void> {
  assert.equal(back.kind, original.kind);
  assert.equal(topDocument(back).digest, topDocument(original).digest);
  assert.deepEqual(await validate(back), []);
}

/** An image whose second layer's bytes do not match its descriptor. */
async function imageWithBadBlob(): Promise<Image> {
  const img = await smallImage('riscv64');
  const layer = img.layers[1]!;
  return {
    ...img,
    layers: [img.layers[0]!, memoryBlob(layer.descriptor, Buffer.alloc(layer.descriptor.size, 0x41))],
  };
}

describe('oci-archive', { timeout: 60_000 }, () => {
  it('round trips an image', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    const img = await smallImage();
    const entry = await writeOciArchive(file, img, 'v1');
    assert.equal(entry.annotations?.[Annotation.refName], 'v1');
    await assertSame(await readOciArchive(file), img);
    await assertSame(await readOciArchive(file, 'v1'), img);
  });

  it('round trips a two-platform index', async (t) => {
    const file = join(await tempDir(t), 'multi.tar');
    const ix = await twoPlatformIndex();
    await writeOciArchive(file, ix, 'latest');
    await assertSame(await readOciArchive(file, 'latest'), ix);
  });

  it('is an OCI layout in a tar that GNU tar lists, with parents before children', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    const img = await smallImage();
    await writeOciArchive(file, img, 'v1');
    const names = gnuTar(['-tf', file]).trim().split('\n');
    const blobs = blobsInPushOrder(img)
      .map((b) => `blobs/sha256/${b.descriptor.digest.slice(7)}`)
      .sort();
    assert.deepEqual(names, ['blobs/', 'blobs/sha256/', ...blobs, 'index.json', 'oci-layout']);
  });

  it('is deterministic: the same artifact gives the same bytes', async (t) => {
    const dir = await tempDir(t);
    await writeOciArchive(join(dir, 'a.tar'), await smallImage(), 'v1');
    await writeOciArchive(join(dir, 'b.tar'), await smallImage(), 'v1');
    assert.deepEqual(await readFile(join(dir, 'a.tar')), await readFile(join(dir, 'b.tar')));
  });

  it('an unknown tag gives TAG_NOT_FOUND listing the tag', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    await writeOciArchive(file, await smallImage(), 'v1');
    await assert.rejects(readOciArchive(file, 'v2'), pithError('TAG_NOT_FOUND', /v1/));
  });

  it('reads a gzip-compressed copy', async (t) => {
    const dir = await tempDir(t);
    const img = await smallImage();
    await writeOciArchive(join(dir, 'img.tar'), img, 'v1');
    await writeFile(join(dir, 'img.tar.gz'), gzipSync(await readFile(join(dir, 'img.tar'))));
    await assertSame(await readOciArchive(join(dir, 'img.tar.gz'), 'v1'), img);
  });

  it('reads a zstd-compressed copy', async (t) => {
    const dir = await tempDir(t);
    const ix = await twoPlatformIndex();
    await writeOciArchive(join(dir, 'img.tar'), ix);
    await writeFile(join(dir, 'img.tar.zst'), zstdCompressSync(await readFile(join(dir, 'img.tar'))));
    await assertSame(await readOciArchive(join(dir, 'img.tar.zst')), ix);
  });

  it('refuses xz-compressed archives and missing files clearly', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'img.tar.xz'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0, 0, 0]));
    await assert.rejects(readOciArchive(join(dir, 'img.tar.xz')), pithError('UNSUPPORTED_COMPRESSION'));
    await assert.rejects(readOciArchive(join(dir, 'missing.tar')), pithError('NO_SUCH_FILE'));
  });

  it('a tar without oci-layout is NOT_A_LAYOUT', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'hello.txt'), 'hi');
    gnuTar(['-cf', 'plain.tar', 'hello.txt'], dir);
    await assert.rejects(readOciArchive(join(dir, 'plain.tar')), pithError('NOT_A_LAYOUT'));
  });

  it('a failing write leaves no archive and no temporary sibling', async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(
      writeOciArchive(join(dir, 'img.tar'), await imageWithBadBlob(), 'v1'),
      pithError('DIGEST_MISMATCH'),
    );
    assert.deepEqual(await readdir(dir), []);
  });

  it('a failing write keeps an existing archive as it was', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'img.tar');
    const img = await smallImage();
    await writeOciArchive(file, img, 'v1');
    const before = await readFile(file);
    await assert.rejects(writeOciArchive(file, await imageWithBadBlob(), 'v1'));
    assert.deepEqual(await readFile(file), before);
    assert.deepEqual(await tempLeftovers(dir), []);
  });
});

describe('docker-archive written by pith', { timeout: 60_000 }, () => {
  const name = parseReference('docker.io/pith/hello:1');

  it('round trips an image', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    const img = await smallImage();
    await writeDockerArchive(file, img, name);
    await assertSame(await readDockerArchive(file), img);
    await assertSame(await readDockerArchive(file, { name }), img);
  });

  it('manifest.json lists Config and Layers under blobs/sha256/ and RepoTags in familiar form', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    const img = await smallImage();
    await writeDockerArchive(file, img, name);
    const manifestJson = JSON.parse((await member(file, 'manifest.json')).toString());
    assert.deepEqual(manifestJson, [
      {
        Config: `blobs/sha256/${img.manifest.value.config.digest.slice(7)}`,
        RepoTags: ['pith/hello:1'],
        Layers: img.manifest.value.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
      },
    ]);
    const [entry] = manifestJson as { Config: string; Layers: string[] }[];
    for (const p of [entry!.Config, ...entry!.Layers]) {
      assert.equal(`sha256:${p.slice('blobs/sha256/'.length)}`, sha256(await member(file, p)));
    }
  });

  it('index.json names the image for containerd and docker (full name and tag)', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    const img = await smallImage();
    await writeDockerArchive(file, img, name);
    const entries = parseIndex(await member(file, 'index.json')).value.manifests;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.digest, img.manifest.digest);
    assert.deepEqual(entries[0]?.annotations, {
      [Annotation.containerdName]: 'docker.io/pith/hello:1',
      [Annotation.refName]: '1',
    });
    assert.equal((await member(file, 'oci-layout')).toString(), '{"imageLayoutVersion":"1.0.0"}');
  });

  it('a Hub library name without tag becomes busybox:latest', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    await writeDockerArchive(file, await smallImage(), parseReference('busybox'));
    const [entry] = JSON.parse((await member(file, 'manifest.json')).toString());
    assert.deepEqual(entry.RepoTags, ['busybox:latest']);
    const [desc] = parseIndex(await member(file, 'index.json')).value.manifests;
    assert.equal(desc?.annotations?.[Annotation.containerdName], 'docker.io/library/busybox:latest');
  });

  it('without a name, RepoTags is empty and index.json carries no names', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    const img = await smallImage();
    await writeDockerArchive(file, img);
    const [entry] = JSON.parse((await member(file, 'manifest.json')).toString());
    assert.deepEqual(entry.RepoTags, []);
    const [desc] = parseIndex(await member(file, 'index.json')).value.manifests;
    assert.equal(desc?.annotations, undefined);
    await assertSame(await readDockerArchive(file), img);
  });

  it('reading with a name that is not there gives TAG_NOT_FOUND', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    await writeDockerArchive(file, await smallImage(), name);
    await assert.rejects(
      readDockerArchive(file, { name: parseReference('pith/hello:2') }),
      pithError('TAG_NOT_FOUND'),
    );
  });

  it('read by @0 goes through manifest.json and gives the same blobs as a Docker image', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    const img = await smallImage();
    await writeDockerArchive(file, img, name);
    const back = await readDockerArchive(file, { index: 0 });
    assert.equal(back.kind, 'image');
    if (back.kind !== 'image') return;
    assert.equal(back.manifest.mediaType, MediaType.dockerManifest);
    assert.equal(back.manifest.value.config.digest, img.manifest.value.config.digest);
    assert.deepEqual(
      back.manifest.value.layers.map((l) => [l.mediaType, l.digest, l.size]),
      img.manifest.value.layers.map((l) => [MediaType.dockerLayerGzip, l.digest, l.size]),
    );
    assert.deepEqual(await validate(back), []);
  });

  it('an index: index.json keeps the whole index, manifest.json lists the host image', async (t) => {
    const file = join(await tempDir(t), 'multi.tar');
    const ix = await twoPlatformIndex();
    await writeDockerArchive(file, ix, name);
    await assertSame(await readDockerArchive(file), ix);
    const images = imagesOf(ix);
    const host = hostPlatform();
    const expected = images.find((i) => platformMatches(host, configPlatform(i.config!.value))) ?? images[0]!;
    const [entry] = JSON.parse((await member(file, 'manifest.json')).toString());
    assert.equal(entry.Config, `blobs/sha256/${expected.manifest.value.config.digest.slice(7)}`);
  });

  it('reads a gzip-compressed copy', async (t) => {
    const dir = await tempDir(t);
    const img = await smallImage();
    await writeDockerArchive(join(dir, 'img.tar'), img, name);
    await writeFile(join(dir, 'img.tar.gz'), gzipSync(await readFile(join(dir, 'img.tar'))));
    await assertSame(await readDockerArchive(join(dir, 'img.tar.gz')), img);
    const classicView = await readDockerArchive(join(dir, 'img.tar.gz'), { index: 0 });
    await assertSame(classicView, await readDockerArchive(join(dir, 'img.tar'), { index: 0 }));
  });

  it('a failing write leaves no archive and no temporary sibling', async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(
      writeDockerArchive(join(dir, 'img.tar'), await imageWithBadBlob(), name),
      pithError('DIGEST_MISMATCH'),
    );
    assert.deepEqual(await readdir(dir), []);
  });

  it('refuses an artifact without any image config (NOT_AN_IMAGE)', async (t) => {
    const dir = await tempDir(t);
    const img = await smallImage();
    await assert.rejects(
      writeDockerArchive(join(dir, 'a.tar'), { ...img, config: null }),
      pithError('NOT_AN_IMAGE'),
    );
    assert.deepEqual(await readdir(dir), []);
  });
});

describe('classic docker save archives', { timeout: 60_000 }, () => {
  /** Writes the classic members into a directory and tars them with GNU tar (optionally with ./ names). */
  async function classicTar(t: TestContext, opts: { dotSlash?: boolean; entries?: unknown } = {}) {
    const root = await tempDir(t);
    const save = await classicDockerSave();
    const src = join(root, 'save');
    const files = { ...save.files };
    if (opts.entries) files['manifest.json'] = Buffer.from(JSON.stringify(opts.entries));
    for (const [p, bytes] of Object.entries(files)) {
      await mkdir(dirname(join(src, p)), { recursive: true });
      await writeFile(join(src, p), bytes);
    }
    const file = join(root, 'busybox.tar');
    const common = [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-cf',
      file,
      '-C',
      src,
    ];
    gnuTar(opts.dotSlash ? [...common, '.'] : [...common, ...(await readdir(src))]);
    return { file, save, root };
  }

  function asImage(a: Artifact): Image {
    assert.equal(a.kind, 'image');
    return a as Image;
  }

  it('reads as a valid Docker image with uncompressed layers hashed as stored', async (t) => {
    const { file, save } = await classicTar(t);
    const img = asImage(await readDockerArchive(file));
    assert.deepEqual(await validate(img), []);
    assert.equal(img.manifest.mediaType, MediaType.dockerManifest);
    assert.deepEqual(
      img.manifest.value.layers,
      save.layerTars.map((tar) => ({
        mediaType: MediaType.dockerLayer,
        digest: sha256(tar),
        size: tar.length,
      })),
    );
    for (const [i, l] of img.layers.entries()) assert.deepEqual(await readBlob(l), save.layerTars[i]);
  });

  it('keeps the given config bytes', async (t) => {
    const { file, save } = await classicTar(t);
    const img = asImage(await readDockerArchive(file));
    assert.deepEqual(img.config?.raw, save.configRaw);
    assert.deepEqual(img.manifest.value.config, {
      mediaType: MediaType.dockerConfig,
      digest: `sha256:${save.configHex}`,
      size: save.configRaw.length,
    });
    assert.deepEqual(await readBlob(img.configBlob), save.configRaw);
    assert.equal(img.config?.value['docker_version'], '20.10.0', 'unknown fields survive');
  });

  it('reads a tar whose members are named ./…', async (t) => {
    const { file, save } = await classicTar(t, { dotSlash: true });
    assert.match(gnuTar(['-tf', file]), /^\.\/manifest\.json$/m);
    const img = asImage(await readDockerArchive(file));
    assert.deepEqual(await validate(img), []);
    assert.deepEqual(img.config?.raw, save.configRaw);
  });

  it('reads a gzip-compressed classic archive', async (t) => {
    const { file, root } = await classicTar(t);
    const gz = join(root, 'busybox.tar.gz');
    await writeFile(gz, gzipSync(await readFile(file)));
    const a = asImage(await readDockerArchive(gz));
    const b = asImage(await readDockerArchive(file));
    assert.equal(a.manifest.digest, b.manifest.digest);
    assert.deepEqual(await validate(a), []);
  });

  it('selects by name (default tag latest) and by index', async (t) => {
    const { file } = await classicTar(t);
    const byName = asImage(await readDockerArchive(file, { name: parseReference('busybox') }));
    const byIndex = asImage(await readDockerArchive(file, { index: 0 }));
    assert.equal(byName.manifest.digest, byIndex.manifest.digest);
    await assert.rejects(
      readDockerArchive(file, { name: parseReference('busybox:1.36') }),
      pithError('TAG_NOT_FOUND', /busybox:latest/),
    );
    await assert.rejects(readDockerArchive(file, { index: 1 }), pithError('TAG_NOT_FOUND'));
  });

  it('an archive with several images needs a selector (AMBIGUOUS)', async (t) => {
    const save = await classicDockerSave();
    const [first] = JSON.parse(save.files['manifest.json']!.toString());
    const second = { ...first, RepoTags: ['busybox:1.36'] };
    const { file } = await classicTar(t, { entries: [first, second] });
    await assert.rejects(readDockerArchive(file), pithError('AMBIGUOUS'));
    const picked = asImage(await readDockerArchive(file, { name: parseReference('busybox:1.36') }));
    assert.deepEqual(await validate(picked), []);
  });

  it('copies into an OCI layout that reads back identical and valid', async (t) => {
    const { file, root } = await classicTar(t);
    const img = asImage(await readDockerArchive(file));
    const dir = join(root, 'layout');
    await writeLayoutDir(dir, img, { tag: 'latest' });
    const back = await readLayout(dirSource(dir), { tag: 'latest' });
    await assertSame(back, img);
  });

  it('a layer that does not match its diff_id is reported by validate()', async (t) => {
    const save = await classicDockerSave();
    const entries = JSON.parse(save.files['manifest.json']!.toString());
    entries[0].Layers.reverse();
    const { file } = await classicTar(t, { entries });
    const problems = await validate(await readDockerArchive(file));
    assert.ok(
      problems.some((p) => p.where === 'image > config > rootfs.diff_ids[0]'),
      JSON.stringify(problems),
    );
    assert.ok(
      problems.some((p) => p.where === 'image > config > rootfs.diff_ids[1]'),
      JSON.stringify(problems),
    );
  });

  it('a tar with neither oci-layout nor manifest.json is NOT_AN_ARCHIVE', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'x'), 'x');
    gnuTar(['-cf', 'x.tar', 'x'], dir);
    await assert.rejects(readDockerArchive(join(dir, 'x.tar')), pithError('NOT_AN_ARCHIVE'));
  });

  it('a manifest.json naming a missing config is MISSING_MEMBER', async (t) => {
    const save = await classicDockerSave();
    const entries = JSON.parse(save.files['manifest.json']!.toString());
    entries[0].Config = `${'0'.repeat(64)}.json`;
    const { file } = await classicTar(t, { entries });
    await assert.rejects(readDockerArchive(file), pithError('MISSING_MEMBER'));
    assert.ok((await stat(file)).size > 0);
  });
});
