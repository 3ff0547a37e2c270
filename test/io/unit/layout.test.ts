// OCI image layout directories: write/read round trips, adding and moving tags, refusing foreign
// directories, atomicity on failure, and digest verification on read.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  dirSource,
  parseTransportRef,
  readArtifact,
  readLayout,
  writeArtifact,
  writeLayoutDir,
} from '../../../src/io/index.ts';
import {
  Annotation,
  type Artifact,
  blobsInPushOrder,
  type Descriptor,
  type Image,
  memoryBlob,
  parseIndex,
  topDocument,
  validate,
} from '../../../src/oci/index.ts';
import { canonicalJson, PithError, sha256 } from '../../../src/util/index.ts';
import { tempDir } from '../../helpers.ts';
import { smallImage, twoPlatformIndex, withManifest } from '../../oci/fixtures.ts';
import { pithError, snapshot, tempLeftovers } from './helpers.ts';

async function indexEntries(dir: string): Promise<Descriptor[]> {
  return parseIndex(await readFile(join(dir, 'index.json'))).value.manifests;
}

const tagsOf = (entries: Descriptor[]) => entries.map((e) => e.annotations?.[Annotation.refName]);
const blobFile = (dir: string, digest: string) =>
  join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

/** An image whose second layer's bytes do not match its descriptor: any sink must fail on it. */
async function imageWithBadBlob(): Promise<Image> {
  const img = await smallImage('riscv64');
  const layer = img.layers[1]!;
  const wrong = Buffer.alloc(layer.descriptor.size, 0x41);
  return { ...img, layers: [img.layers[0]!, memoryBlob(layer.descriptor, wrong)] };
}

describe('writeLayoutDir + readLayout', { timeout: 60_000 }, () => {
  it('writes a new layout that reads back as the same image', async (t) => {
    const dir = join(await tempDir(t), 'hello');
    const img = await smallImage();
    const entry = await writeLayoutDir(dir, img, { tag: 'v1' });
    assert.equal(await readFile(join(dir, 'oci-layout'), 'utf8'), '{"imageLayoutVersion":"1.0.0"}');
    assert.deepEqual(entry, { ...img.manifest.descriptor(), annotations: { [Annotation.refName]: 'v1' } });
    assert.deepEqual(await indexEntries(dir), [entry]);

    const back = await readLayout(dirSource(dir));
    assert.equal(back.kind, 'image');
    assert.equal(topDocument(back).digest, img.manifest.digest);
    assert.deepEqual(await validate(back), []);
  });

  it('copies a blob kept in a checked file as it is (0644); a file gone meanwhile is streamed and checked', async (t) => {
    const dir = await tempDir(t);
    const img = await smallImage();
    const [first, second] = img.layers as [Image['layers'][0], Image['layers'][0]];
    const kept = join(dir, 'kept');
    await writeFile(kept, Buffer.concat(await collect(first.open())), { mode: 0o600 });
    const fromFile = (b: typeof first, file: string) => ({ descriptor: b.descriptor, open: b.open, file });
    const out = join(dir, 'out');
    await writeLayoutDir(out, {
      ...img,
      layers: [fromFile(first, kept), fromFile(second, join(dir, 'gone'))],
    });
    const copy = blobFile(out, first.descriptor.digest);
    assert.deepEqual(await readFile(copy), await readFile(kept));
    assert.equal((await stat(copy)).mode & 0o777, 0o644);
    assert.deepEqual(await validate(await readLayout(dirSource(out))), [], 'the streamed one is whole too');
    // and a blob whose bytes do not hold is still refused when it has to be streamed
    const bad = await imageWithBadBlob();
    const badLayers = [bad.layers[0]!, fromFile(bad.layers[1]!, join(dir, 'gone'))];
    await assert.rejects(
      writeLayoutDir(join(dir, 'bad'), { ...bad, layers: badLayers }),
      /SIZE_MISMATCH|DIGEST_MISMATCH|hashes/,
    );
  });

  it('stores every blob under blobs/sha256 by its digest, and nothing else', async (t) => {
    const dir = join(await tempDir(t), 'out');
    const img = await smallImage();
    await writeLayoutDir(dir, img, { tag: 'v1' });
    const names = (await readdir(join(dir, 'blobs', 'sha256'))).sort();
    const expected = blobsInPushOrder(img)
      .map((b) => b.descriptor.digest.slice(7))
      .sort();
    assert.deepEqual(names, expected);
    for (const n of names)
      assert.equal(sha256(await readFile(join(dir, 'blobs', 'sha256', n))), `sha256:${n}`);
    assert.deepEqual((await readdir(dir)).sort(), ['blobs', 'index.json', 'oci-layout']);
  });

  it('writes index.json canonically', async (t) => {
    const dir = join(await tempDir(t), 'out');
    await writeLayoutDir(dir, await smallImage(), { tag: 'v1', fullName: 'docker.io/pith/hello:v1' });
    const raw = await readFile(join(dir, 'index.json'));
    assert.equal(raw.toString(), canonicalJson(JSON.parse(raw.toString())));
  });

  it('round trips a two-platform index', async (t) => {
    const dir = join(await tempDir(t), 'multi');
    const ix = await twoPlatformIndex();
    await writeLayoutDir(dir, ix, { tag: 'latest' });
    const back = await readLayout(dirSource(dir), { tag: 'latest' });
    assert.equal(back.kind, 'index');
    assert.equal(topDocument(back).digest, ix.index.digest);
    assert.equal(back.kind === 'index' && back.children.length, 2);
    assert.deepEqual(await validate(back), []);
  });

  it('writes into an existing empty directory', async (t) => {
    const dir = join(await tempDir(t), 'empty');
    await mkdir(dir);
    const img = await smallImage();
    await writeLayoutDir(dir, img, { tag: 'x' });
    assert.equal(topDocument(await readLayout(dirSource(dir))).digest, img.manifest.digest);
  });

  it('records the full name for containerd and can select by it', async (t) => {
    const dir = join(await tempDir(t), 'named');
    const img = await smallImage();
    await writeLayoutDir(dir, img, { tag: '1', fullName: 'docker.io/pith/hello:1' });
    const [entry] = await indexEntries(dir);
    assert.deepEqual(entry?.annotations, {
      [Annotation.containerdName]: 'docker.io/pith/hello:1',
      [Annotation.refName]: '1',
    });
    const back = await readLayout(dirSource(dir), { name: 'docker.io/pith/hello:1' });
    assert.equal(topDocument(back).digest, img.manifest.digest);
  });

  it('a second image with another tag keeps both', async (t) => {
    const dir = join(await tempDir(t), 'two');
    const amd = await smallImage('amd64');
    const arm = await smallImage('arm64');
    await writeLayoutDir(dir, amd, { tag: 'amd' });
    await writeLayoutDir(dir, arm, { tag: 'arm' });
    const entries = await indexEntries(dir);
    assert.deepEqual(tagsOf(entries), ['amd', 'arm']);
    assert.equal(topDocument(await readLayout(dirSource(dir), { tag: 'amd' })).digest, amd.manifest.digest);
    assert.equal(topDocument(await readLayout(dirSource(dir), { tag: 'arm' })).digest, arm.manifest.digest);
    assert.deepEqual(await validate(await readLayout(dirSource(dir), { tag: 'arm' })), []);
    await assert.rejects(readLayout(dirSource(dir)), pithError('AMBIGUOUS', /amd, arm/));
  });

  it('index.json entries are sorted by tag whatever the write order', async (t) => {
    const a = join(await tempDir(t), 'a');
    const b = join(await tempDir(t), 'b');
    const amd = await smallImage('amd64');
    const arm = await smallImage('arm64');
    await writeLayoutDir(a, arm, { tag: 'zeta' });
    await writeLayoutDir(a, amd, { tag: 'alpha' });
    await writeLayoutDir(b, amd, { tag: 'alpha' });
    await writeLayoutDir(b, arm, { tag: 'zeta' });
    assert.deepEqual(await readFile(join(a, 'index.json')), await readFile(join(b, 'index.json')));
    assert.deepEqual(tagsOf(await indexEntries(a)), ['alpha', 'zeta']);
  });

  it('re-using a tag moves it to the new image', async (t) => {
    const dir = join(await tempDir(t), 'move');
    const first = await smallImage('amd64');
    const second = await smallImage('amd64', { epoch: 42 });
    await writeLayoutDir(dir, first, { tag: 'latest' });
    await writeLayoutDir(dir, second, { tag: 'latest' });
    const entries = await indexEntries(dir);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.digest, second.manifest.digest);
    assert.equal(
      topDocument(await readLayout(dirSource(dir), { tag: 'latest' })).digest,
      second.manifest.digest,
    );
  });

  it('writing the same image and tag again changes nothing', async (t) => {
    const dir = join(await tempDir(t), 'same');
    const img = await smallImage();
    await writeLayoutDir(dir, img, { tag: 'v1' });
    const before = await snapshot(dir);
    await writeLayoutDir(dir, img, { tag: 'v1' });
    assert.deepEqual(await snapshot(dir), before);
  });

  it('refuses a non-layout non-empty directory with NOT_A_LAYOUT and leaves it untouched', async (t) => {
    const parent = await tempDir(t);
    const dir = join(parent, 'project');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'README'), 'my precious files\n');
    await writeFile(join(dir, 'src', 'main.c'), 'int main(void) { return 0; }\n');
    await writeFile(join(dir, 'index.json'), '{"not":"a layout"}');
    const before = await snapshot(parent);
    await assert.rejects(writeLayoutDir(dir, await smallImage(), { tag: 'x' }), pithError('NOT_A_LAYOUT'));
    assert.deepEqual(await snapshot(parent), before);
  });

  it('refuses a path that is a regular file with NOT_A_LAYOUT', async (t) => {
    const parent = await tempDir(t);
    const file = join(parent, 'out');
    await writeFile(file, 'not a directory');
    await assert.rejects(writeLayoutDir(file, await smallImage()), pithError('NOT_A_LAYOUT'));
    assert.equal(await readFile(file, 'utf8'), 'not a directory');
    assert.deepEqual(await readdir(parent), ['out']);
  });

  it('a failing write to a new layout leaves no output and no temporary siblings', async (t) => {
    const parent = await tempDir(t);
    const dir = join(parent, 'out');
    await assert.rejects(
      writeLayoutDir(dir, await imageWithBadBlob(), { tag: 'x' }),
      (err: unknown) => err instanceof PithError && err.code === 'DIGEST_MISMATCH',
    );
    assert.deepEqual(await readdir(parent), []);
  });

  it('a failing write to a new layout in a fresh parent directory leaves no temporary siblings', async (t) => {
    const parent = join(await tempDir(t), 'deep', 'er');
    const dir = join(parent, 'out');
    await assert.rejects(writeLayoutDir(dir, await imageWithBadBlob()));
    assert.equal(await stat(dir).catch(() => undefined), undefined);
    assert.deepEqual(await tempLeftovers(join(parent, '..', '..')), []);
  });

  it('a failing write to an existing layout keeps its index.json and leaves no temporary files', async (t) => {
    const dir = join(await tempDir(t), 'existing');
    const img = await smallImage();
    await writeLayoutDir(dir, img, { tag: 'good' });
    const indexBefore = await readFile(join(dir, 'index.json'));
    await assert.rejects(writeLayoutDir(dir, await imageWithBadBlob(), { tag: 'bad' }));
    assert.deepEqual(await readFile(join(dir, 'index.json')), indexBefore);
    assert.deepEqual(await tempLeftovers(dir), []);
    const back = await readLayout(dirSource(dir));
    assert.equal(topDocument(back).digest, img.manifest.digest);
    assert.deepEqual(await validate(back), []);
  });

  it('a blob whose size differs from its descriptor fails the write (SIZE_MISMATCH)', async (t) => {
    const parent = await tempDir(t);
    const img = await smallImage();
    const layer = img.layers[0]!;
    const short = { ...img, layers: [memoryBlob(layer.descriptor, Buffer.from('short')), img.layers[1]!] };
    await assert.rejects(writeLayoutDir(join(parent, 'out'), short), pithError('SIZE_MISMATCH'));
    assert.deepEqual(await readdir(parent), []);
  });
});

describe('readLayout verification and selection', { timeout: 60_000 }, () => {
  async function written(
    t: Parameters<typeof tempDir>[0],
    artifact?: Artifact,
  ): Promise<{ dir: string; img: Image }> {
    const dir = join(await tempDir(t), 'layout');
    const img = await smallImage();
    await writeLayoutDir(dir, artifact ?? img, { tag: 'v1' });
    return { dir, img };
  }

  /** Flips one byte of a file, keeping its size. */
  async function tamper(file: string, at = 20): Promise<void> {
    const b = await readFile(file);
    b[at] = b[at] === 0x32 ? 0x33 : 0x32;
    await writeFile(file, b);
  }

  it('a tampered manifest blob is refused with DIGEST_MISMATCH', async (t) => {
    const { dir, img } = await written(t);
    await tamper(blobFile(dir, img.manifest.digest));
    await assert.rejects(
      readLayout(dirSource(dir)),
      pithError('DIGEST_MISMATCH', new RegExp(img.manifest.digest)),
    );
  });

  it('a manifest blob of the wrong size is refused with SIZE_MISMATCH', async (t) => {
    const { dir, img } = await written(t);
    await writeFile(blobFile(dir, img.manifest.digest), Buffer.concat([img.manifest.raw, Buffer.from('\n')]));
    await assert.rejects(readLayout(dirSource(dir)), pithError('SIZE_MISMATCH'));
  });

  it('a tampered config blob is refused with DIGEST_MISMATCH', async (t) => {
    const { dir, img } = await written(t);
    await tamper(blobFile(dir, img.manifest.value.config.digest));
    await assert.rejects(
      readLayout(dirSource(dir)),
      pithError('DIGEST_MISMATCH', new RegExp(img.manifest.value.config.digest)),
    );
  });

  it('a tampered child manifest of an index is refused with DIGEST_MISMATCH', async (t) => {
    const ix = await twoPlatformIndex();
    const { dir } = await written(t, ix);
    const arm = ix.children[1]!;
    assert.equal(arm.kind, 'image');
    await tamper(blobFile(dir, topDocument(arm as Image).digest));
    await assert.rejects(readLayout(dirSource(dir)), pithError('DIGEST_MISMATCH'));
  });

  it('a manifest addressed by sha512 reads back', async (t) => {
    const { dir, img } = await written(t);
    const hex = createHash('sha512').update(img.manifest.raw).digest('hex');
    await mkdir(join(dir, 'blobs', 'sha512'));
    await writeFile(join(dir, 'blobs', 'sha512', hex), img.manifest.raw);
    const entry = { ...img.manifest.descriptor(), digest: `sha512:${hex}` };
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
    const back = await readLayout(dirSource(dir));
    assert.deepEqual(topDocument(back).raw, img.manifest.raw);
    assert.deepEqual(await validate(back), []);
  });

  it('a tampered manifest addressed by sha512 is refused with DIGEST_MISMATCH', async (t) => {
    const { dir, img } = await written(t);
    const hex = createHash('sha512').update(img.manifest.raw).digest('hex');
    await mkdir(join(dir, 'blobs', 'sha512'));
    const created = img.manifest.value.annotations?.[Annotation.created];
    assert.ok(created && img.manifest.raw.includes(created));
    // Same size, still valid JSON, different bytes: only a digest check can tell.
    const tampered = Buffer.from(img.manifest.raw.toString().replace(created, created.replace(/0Z$/, '1Z')));
    assert.equal(tampered.length, img.manifest.raw.length);
    assert.notDeepEqual(tampered, img.manifest.raw);
    await writeFile(join(dir, 'blobs', 'sha512', hex), tampered);
    const entry = { ...img.manifest.descriptor(), digest: `sha512:${hex}` };
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
    await assert.rejects(readLayout(dirSource(dir)), pithError('DIGEST_MISMATCH'));
  });

  it('a missing manifest blob is refused with MISSING_BLOB', async (t) => {
    const { dir, img } = await written(t);
    await rm(blobFile(dir, img.manifest.digest));
    await assert.rejects(readLayout(dirSource(dir)), pithError('MISSING_BLOB'));
  });

  it('a tampered layer is read lazily and reported by validate()', async (t) => {
    const { dir, img } = await written(t);
    await tamper(blobFile(dir, img.layers[1]!.descriptor.digest), 100);
    const back = await readLayout(dirSource(dir));
    const problems = await validate(back);
    assert.ok(
      problems.some((p) => p.where === 'image > layers[1]'),
      JSON.stringify(problems),
    );
  });

  it('an unknown tag gives TAG_NOT_FOUND listing the tags there are', async (t) => {
    const { dir } = await written(t);
    await writeLayoutDir(dir, await smallImage('arm64'), { tag: 'v2' });
    await assert.rejects(
      readLayout(dirSource(dir), { tag: 'v3' }),
      pithError('TAG_NOT_FOUND', /"v3".*v1, v2/),
    );
  });

  it('TAG_NOT_FOUND says so when the layout has no tags', async (t) => {
    const dir = join(await tempDir(t), 'untagged');
    await writeLayoutDir(dir, await smallImage());
    await assert.rejects(readLayout(dirSource(dir), { tag: 'v1' }), pithError('TAG_NOT_FOUND', /no tags/));
    assert.equal((await readLayout(dirSource(dir))).kind, 'image', 'the only entry is read without a tag');
  });

  it('a directory without oci-layout is NOT_A_LAYOUT', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    await assert.rejects(readLayout(dirSource(dir)), pithError('NOT_A_LAYOUT'));
  });

  it('an unsupported layout version or a missing index.json is BAD_LAYOUT', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    await assert.rejects(readLayout(dirSource(dir)), pithError('BAD_LAYOUT', /2\.0\.0/));
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await rm(join(dir, 'index.json'));
    await assert.rejects(readLayout(dirSource(dir)), pithError('BAD_LAYOUT', /index\.json/));
  });

  it('an empty layout is EMPTY_LAYOUT', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    await assert.rejects(readLayout(dirSource(dir)), pithError('EMPTY_LAYOUT'));
  });

  it('an entry that is neither image nor index is NOT_AN_IMAGE', async (t) => {
    const dir = await tempDir(t);
    const bytes = Buffer.from('{"some":"artifact"}');
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(blobFile(dir, sha256(bytes)), bytes);
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    const entry = { mediaType: 'application/vnd.example+json', digest: sha256(bytes), size: bytes.length };
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
    await assert.rejects(readLayout(dirSource(dir)), pithError('NOT_AN_IMAGE'));
  });

  it('the manifest read back keeps the exact bytes on disk', async (t) => {
    const { dir, img } = await written(t);
    const back = await readLayout(dirSource(dir));
    assert.deepEqual(topDocument(back).raw, img.manifest.raw);
  });
});

describe('readArtifact / writeArtifact over oci:', { timeout: 60_000 }, () => {
  it('oci:DIR without a tag writes "latest" and reads back', async (t) => {
    const dir = join(await tempDir(t), 'out');
    const img = await smallImage();
    const entry = await writeArtifact(parseTransportRef(`oci:${dir}`), img);
    assert.equal(entry.annotations?.[Annotation.refName], 'latest');
    const back = await readArtifact(parseTransportRef(`oci:${dir}:latest`));
    assert.equal(topDocument(back).digest, img.manifest.digest);
  });

  it('docker-archive:FILE:@N is refused for writing', async (t) => {
    const file = join(await tempDir(t), 'a.tar');
    await assert.rejects(
      writeArtifact(parseTransportRef(`docker-archive:${file}:@0`), await smallImage()),
      pithError('BAD_TRANSPORT_REF'),
    );
    await assert.rejects(stat(file));
  });

  it('a layer shorter than its manifest descriptor fails the write and leaves nothing', async (t) => {
    const dir = join(await tempDir(t), 'out');
    const img = withManifest(await smallImage(), (m) => {
      m.layers[0]!.size += 1;
    });
    const lying = {
      ...img,
      layers: [memoryBlob(img.manifest.value.layers[0]!, Buffer.alloc(0)), img.layers[1]!],
    };
    await assert.rejects(writeArtifact(parseTransportRef(`oci:${dir}`), lying));
    await assert.rejects(stat(dir));
  });
});

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of source) out.push(c);
  return out;
}
