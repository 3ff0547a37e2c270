// Reading untrusted layouts and archives within bounds: documents over their size limit are refused from
// their size alone (a sparse 50 MB index.json is never read), indexes may not nest without end, a document
// named many times is loaded once, a FIFO inside a layout is refused instead of waited on, and a compressed
// archive is recognised while it is decompressed: zeros, non-tar data and tars of other things are refused
// after the first block, and the decompressed copy is bounded, leaving nothing in the temporary directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openArchive } from '../../../src/io/archive/open-archive.ts';
import {
  dirSource,
  readDockerArchive,
  readLayout,
  readOciArchive,
  writeLayoutDir,
  writeOciArchive,
} from '../../../src/io/index.ts';
import { buildIndex, type Descriptor, LIMITS, MediaType } from '../../../src/oci/index.ts';
import { writeTar } from '../../../src/tar/index.ts';
import { sha256 } from '../../../src/util/index.ts';
import { tempDir } from '../../helpers.ts';
import { collect, fileEntry, smallImage } from '../../oci/fixtures.ts';
import { imageArchiveHeader, pithError, zeroBomb } from './helpers.ts';

/** A layout of one small image at `dir`. */
async function layout(dir: string): Promise<Descriptor> {
  return writeLayoutDir(dir, await smallImage());
}

/** Writes a blob into a layout; returns its descriptor. */
async function putBlob(dir: string, mediaType: string, bytes: Buffer): Promise<Descriptor> {
  const digest = sha256(bytes);
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { mediaType, digest, size: bytes.length };
}

const setIndex = (dir: string, manifests: Descriptor[]) =>
  writeFile(join(dir, 'index.json'), buildIndex(manifests).raw);

describe('document limits in a layout', { timeout: 30_000 }, () => {
  it('a 50 MB index.json is refused from its size, before it is read', async (t) => {
    const dir = join(await tempDir(t), 'l');
    await layout(dir);
    await truncate(join(dir, 'index.json'), 50 * 1024 * 1024); // sparse: reading it would be the bug
    await assert.rejects(
      readLayout(dirSource(dir, 'oci:l')),
      pithError(
        'LIMIT_EXCEEDED',
        /^oci:l: index\.json is 52428800 bytes, over the 4194304-byte limit for index documents$/,
      ),
    );
  });

  it('the same in an oci-archive: the member size is checked before the member is read', async (t) => {
    const dir = await tempDir(t);
    const big = Buffer.alloc(LIMITS.indexBytes.max + 1, 0x20);
    const tar = await collect(
      writeTar([
        fileEntry('index.json', big),
        fileEntry('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')),
      ]),
    );
    await writeFile(join(dir, 'big.tar'), tar);
    await assert.rejects(
      readOciArchive(join(dir, 'big.tar')),
      pithError('LIMIT_EXCEEDED', /index\.json is 4194305 bytes, over the 4194304-byte limit/),
    );
  });

  it('a manifest descriptor claiming more than the manifest limit is refused without reading the blob', async (t) => {
    const dir = join(await tempDir(t), 'l');
    await layout(dir);
    await setIndex(dir, [{ mediaType: MediaType.ociManifest, digest: sha256('absent'), size: 5 << 20 }]);
    await assert.rejects(
      readLayout(dirSource(dir)),
      pithError(
        'LIMIT_EXCEEDED',
        /blob sha256:[0-9a-f]{64} is 5242880 bytes, over the 4194304-byte limit for manifests/,
      ),
    );
  });

  it('indexes nested deeper than 8 levels are refused', async (t) => {
    const dir = join(await tempDir(t), 'l');
    let desc = await layout(dir);
    for (let i = 0; i < LIMITS.indexNesting.max + 1; i++)
      desc = await putBlob(dir, MediaType.ociIndex, buildIndex([desc]).raw);
    await setIndex(dir, [desc]);
    await assert.rejects(
      readLayout(dirSource(dir)),
      pithError('LIMIT_EXCEEDED', /indexes nest deeper than the limit of 8 levels of nested indexes/),
    );
  });

  it('an index naming one manifest 1,000 times loads it once', async (t) => {
    const dir = join(await tempDir(t), 'l');
    const manifest = await layout(dir);
    const index = await putBlob(dir, MediaType.ociIndex, buildIndex(Array(1000).fill(manifest)).raw);
    await setIndex(dir, [index]);
    const read = await readLayout(dirSource(dir));
    assert.equal(read.kind, 'index');
    assert.equal(read.children.length, 1000);
    assert.ok(
      read.children.every((c) => c === read.children[0]),
      'one shared child',
    );
  });

  it('an oci-layout file that is not JSON is BAD_JSON, a FIFO index.json is refused, not waited on', async (t) => {
    const dir = join(await tempDir(t), 'l');
    await layout(dir);
    await writeFile(join(dir, 'oci-layout'), 'imageLayoutVersion 1.0.0');
    await assert.rejects(
      readLayout(dirSource(dir, 'oci:l')),
      pithError('BAD_JSON', /^oci:l: oci-layout: not valid JSON$/),
    );
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await rm(join(dir, 'index.json'));
    execFileSync('mkfifo', [join(dir, 'index.json')]);
    await assert.rejects(
      readLayout(dirSource(dir, 'oci:l')),
      pithError('MEMBER_NOT_A_FILE', /^oci:l: index\.json is a FIFO, not a regular file$/),
    );
  });
});

describe('compressed archives are recognised while they are decompressed', { timeout: 30_000 }, () => {
  /** Opens `bytes` as a compressed archive with a private temporary directory; returns what is left in it. */
  async function open(t: Parameters<typeof tempDir>[0], bytes: Buffer, maxBytes?: number) {
    const dir = await tempDir(t);
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    await writeFile(join(dir, 'x.tar.gz'), bytes);
    const opened = openArchive(join(dir, 'x.tar.gz'), 'docker-archive:x.tar.gz', {
      tmpDir: tmp,
      ...(maxBytes ? { maxBytes } : {}),
    });
    return { opened, left: () => readdir(tmp) };
  }

  it('gzip of zeros (a bomb: 1 GiB from 1 MB) stops after the first block', async (t) => {
    const { opened, left } = await open(t, zeroBomb(16));
    await assert.rejects(
      opened,
      pithError(
        'NOT_AN_ARCHIVE',
        /^docker-archive:x\.tar\.gz: not an image archive \(it decompresses to an empty tar archive or to zeros\)$/,
      ),
    );
    assert.deepEqual(await left(), []);
  });

  it('gzip of something else, of a short text, or of a tar of a root file system is refused', async (t) => {
    const random = await open(t, gzipSync(Buffer.alloc(4096, 'not a tar ')));
    await assert.rejects(random.opened, pithError('NOT_AN_ARCHIVE', /no tar header/));
    const short = await open(t, gzipSync('hello'));
    await assert.rejects(short.opened, pithError('NOT_AN_ARCHIVE', /decompresses to only 5 bytes/));
    const rootfs = await collect(
      writeTar([fileEntry('etc/passwd', Buffer.from('root:x:0:0::/root:/sbin/nologin\n'))]),
    );
    const other = await open(t, gzipSync(rootfs));
    await assert.rejects(
      other.opened,
      pithError(
        'NOT_AN_ARCHIVE',
        /not an OCI layout or docker save archive \(it starts with "etc\/passwd"\)/,
      ),
    );
    assert.deepEqual(await other.left(), []);
  });

  it('an archive that starts right but decompresses past the limit is refused at the limit, its copy removed', async (t) => {
    // 8 MiB allowed; 512 bytes of header and 128 MiB of zeros given
    const { opened, left } = await open(t, zeroBomb(2, await imageArchiveHeader()), 8 << 20);
    await assert.rejects(
      opened,
      pithError(
        'LIMIT_EXCEEDED',
        /^docker-archive:x\.tar\.gz: decompresses to more than 8388608 bytes, the limit for decompressed archives$/,
      ),
    );
    assert.deepEqual(await left(), []);
  });

  it('corrupt compressed data is BAD_ARCHIVE, naming the archive', async (t) => {
    const gz = gzipSync(await collect(writeTar([fileEntry('oci-layout', Buffer.from('{}'))])));
    gz.fill(0x55, 20, 40);
    const { opened, left } = await open(t, gz);
    await assert.rejects(
      opened,
      pithError('BAD_ARCHIVE', /^docker-archive:x\.tar\.gz: does not decompress as gzip: /),
    );
    assert.deepEqual(await left(), []);
  });

  it('a real gzipped oci-archive still reads', async (t) => {
    const dir = await tempDir(t);
    await writeOciArchive(join(dir, 'img.tar'), await smallImage(), 'v1');
    await writeFile(join(dir, 'img.tar.gz'), gzipSync(await readFile(join(dir, 'img.tar'))));
    assert.equal((await readOciArchive(join(dir, 'img.tar.gz'), 'v1')).kind, 'image');
  });
});

describe('docker-archive manifest.json limits', { timeout: 30_000 }, () => {
  it('more Layers than the layer limit is refused before any layer is read', async (t) => {
    const dir = await tempDir(t);
    const manifestJson = Buffer.from(
      JSON.stringify([
        { Config: 'c.json', RepoTags: null, Layers: Array(LIMITS.layers.max + 1).fill('l.tar') },
      ]),
    );
    await writeFile(join(dir, 'd.tar'), await collect(writeTar([fileEntry('manifest.json', manifestJson)])));
    await assert.rejects(
      readDockerArchive(join(dir, 'd.tar')),
      pithError(
        'LIMIT_EXCEEDED',
        /manifest\.json: \[0\]\.Layers has 10001 entries, over the limit of 10000 layers per manifest/,
      ),
    );
  });
});
