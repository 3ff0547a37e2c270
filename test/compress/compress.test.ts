// Layer compression: gzip with a normalised RFC 1952 header, zstd, and detection by magic bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import {
  compress,
  DEFAULT_GZIP_LEVEL,
  decompress,
  detectCompression,
  gunzip,
  gzip,
  unzstd,
  zstd,
} from '../../src/compress/index.ts';
import { incompressible, storedBlock } from '../../src/compress/parallel-gzip.ts';

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

async function* pieces(b: Buffer, piece = 4096): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += piece) yield b.subarray(i, i + piece);
}

/** Deterministic bytes that do not compress (xorshift32). */
function noise(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 2463534242;
  for (let i = 0; i < n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeUInt32LE(x >>> 0, i);
  }
  return b;
}

/** Deterministic text of words in a random order (mulberry32), compressible as prose is. */
function words(n: number, seed: number): Buffer {
  const vocabulary = 'layer image digest manifest config debian package tar gzip block window'.split(' ');
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const parts: string[] = [];
  for (let size = 0; size < n; ) {
    const w = vocabulary[Math.floor(next() * vocabulary.length)]!;
    parts.push(w);
    size += w.length + 1;
  }
  return Buffer.from(parts.join(' ')).subarray(0, n);
}

/** Deterministic, mildly compressible bytes. */
function sample(n = 200_000): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = i % 7 === 0 ? x >>> 24 : 0x61 + (i % 13);
  }
  return b;
}

describe('gzip', { timeout: 30_000 }, () => {
  it('writes the normalised header: 1f 8b 08, FLG 0, MTIME 0, OS 0xff', async () => {
    const out = await collect(gzip(pieces(sample())));
    assert.deepEqual([...out.subarray(0, 8)], [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
    assert.equal(out[9], 0xff);
  });

  it('writes OS 0xff for an empty input and at every level', async () => {
    for (const level of [1, DEFAULT_GZIP_LEVEL, 9]) {
      const out = await collect(gzip(pieces(Buffer.alloc(0)), level));
      assert.equal(out[9], 0xff, `level ${level}`);
      assert.deepEqual(await collect(gunzip(pieces(out))), Buffer.alloc(0));
    }
  });

  it('differs from plain zlib only in the OS byte', async () => {
    const data = sample();
    const ours = await collect(gzip(pieces(data)));
    const plain = gzipSync(data, { level: DEFAULT_GZIP_LEVEL });
    assert.equal(ours.length, plain.length);
    assert.deepEqual(ours.subarray(10), plain.subarray(10));
    assert.deepEqual(ours.subarray(0, 9), plain.subarray(0, 9));
  });

  it('is deterministic across runs and chunkings', async () => {
    const data = sample();
    const a = await collect(gzip(pieces(data, 4096)));
    const b = await collect(gzip(pieces(data, 777)));
    const c = await collect(gzip(pieces(data, data.length)));
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
  });

  it('round trips through gunzip (and through zlib)', async () => {
    const data = sample();
    const gz = await collect(gzip(pieces(data)));
    assert.deepEqual(await collect(gunzip(pieces(gz, 1000))), data);
    assert.deepEqual(gunzipSync(gz), data);
  });

  it('more blocks than its ring of buffers holds, stored and deflated, in odd chunks: zlib reads back every byte', async () => {
    // 14 distinct 1 MiB blocks (and a short last one), noise and text in turn: a block buffer reused while
    // its deflate, or the next block's dictionary, still needed it would put another block's bytes here
    const parts: Buffer[] = [];
    for (let i = 0; i < 14; i++) {
      const block = i % 3 === 0 ? noise(1 << 20) : sample(1 << 20);
      block.writeUInt32LE(i, 0); // no two blocks alike
      parts.push(block);
    }
    parts.push(sample(12_345));
    const data = Buffer.concat(parts);
    const gz = await collect(gzip(pieces(data, 65_537)));
    assert.ok(gunzipSync(gz).equals(data), 'gunzip (zlib) gives back the input');
    assert.ok(gz.length < data.length * 0.7, 'the text blocks were deflated');
    assert.ok((await collect(gzip(pieces(data, (1 << 20) + 3)))).equals(gz), 'the same for other chunks');
  });

  it('is, for blocks that compress, what zlib makes of each 1 MiB with the 32 KiB before it as dictionary', async () => {
    // the pigz scheme rebuilt here from zlib's sync API (its default output chunks): header, raw deflate
    // blocks ended by a sync flush (the last by finish), CRC-32 and size
    const MiB = 1 << 20;
    const first = words(MiB, 1);
    // the second block opens with text from 30 KiB before it: found only through the dictionary
    const second = Buffer.concat([first.subarray(MiB - 30_000, MiB - 22_000), words(MiB - 8000, 2)]);
    const data = Buffer.concat([first, second, words(300_000, 3)]);
    const blocks = [data.subarray(0, MiB), data.subarray(MiB, 2 * MiB), data.subarray(2 * MiB)];
    for (const level of [1, DEFAULT_GZIP_LEVEL]) {
      const raw = blocks.map((block, i) =>
        deflateRawSync(block, {
          level,
          finishFlush: i === blocks.length - 1 ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
          ...(i > 0 ? { dictionary: blocks[i - 1]!.subarray(MiB - 32 * 1024) } : {}),
        }),
      );
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc32(data), 0);
      trailer.writeUInt32LE(data.length, 4);
      const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
      const expected = Buffer.concat([header, ...raw, trailer]);
      assert.ok((await collect(gzip(pieces(data, 65_536), level))).equals(expected), `level ${level}`);
    }
  });

  it("frames a stored block as zlib's async API does at level 0 with a sync flush", async () => {
    const deflateRawAsync = promisify(deflateRaw);
    for (const block of [noise(1 << 20), noise(1 << 20).subarray(5, 70_000), sample(1 << 20)]) {
      const viaPool = await deflateRawAsync(block, { level: 0, finishFlush: constants.Z_SYNC_FLUSH });
      assert.ok(storedBlock(block).equals(viaPool), `${block.length} bytes`);
    }
  });

  it('level changes the output but not the content', async () => {
    const data = sample();
    const fast = await collect(gzip(pieces(data), 1));
    const best = await collect(gzip(pieces(data), 9));
    assert.notDeepEqual(fast, best);
    assert.deepEqual(gunzipSync(fast), data);
    assert.deepEqual(gunzipSync(best), data);
  });

  it('stores a block that does not compress; a block with anything compressible in it is deflated', async () => {
    const MiB = 1 << 20;
    const random = noise(MiB);
    const text = Buffer.from('a layer of text, compressible '.repeat(MiB / 30 + 1)).subarray(0, MiB);
    const half = Buffer.concat([random.subarray(0, MiB / 2), text.subarray(0, MiB / 2)]);
    assert.equal(await incompressible(random), true);
    assert.equal(await incompressible(text), false);
    assert.equal(await incompressible(half), false, 'half of it compresses');
    assert.equal(
      await incompressible(random.subarray(0, 100_000)),
      false,
      'a small block is just compressed',
    );
    // the first deflate block's header (RFC 1951 3.2.3): BTYPE 00 is stored
    const btype = (gz: Buffer) => (gz[10]! >> 1) & 3;
    const data = Buffer.concat([random, text, half]);
    const gz = await collect(gzip(pieces(data, 65536)));
    assert.equal(btype(gz), 0, 'the random block is stored');
    assert.equal(btype(await collect(gzip(pieces(text)))), 2, 'text: dynamic Huffman');
    assert.deepEqual(gunzipSync(gz), data);
    // 1 MiB stored, the text to almost nothing, the half-text block to its random half
    assert.ok(gz.length < 1.55 * MiB, `${gz.length} bytes: the text and half-text blocks compressed`);
    assert.deepEqual(gunzipSync(await collect(gzip(pieces(data), 1))), data, 'level 1: nothing judged');
  });

  it('gunzip accepts multi-member input, as gzip(1) does', async () => {
    const both = Buffer.concat([gzipSync(Buffer.from('first,')), gzipSync(Buffer.from('second'))]);
    assert.equal((await collect(gunzip(pieces(both)))).toString(), 'first,second');
  });

  it('gunzip of corrupt data rejects', async () => {
    const gz = await collect(gzip(pieces(sample())));
    const corrupt = Buffer.from(gz);
    for (let i = 20; i < 60; i++) corrupt[i] = corrupt[i]! ^ 0x5a;
    await assert.rejects(collect(gunzip(pieces(corrupt))));
  });

  it('gunzip of truncated data rejects', async () => {
    const gz = await collect(gzip(pieces(sample())));
    await assert.rejects(collect(gunzip(pieces(gz.subarray(0, gz.length - 20)))));
  });

  it('gunzip of non-gzip data rejects', async () => {
    await assert.rejects(collect(gunzip(pieces(Buffer.from('plain text, not gzip')))));
  });

  it('a failing source rejects the gzip stream', async () => {
    async function* failing() {
      yield Buffer.from('some bytes');
      throw new Error('disk went away');
    }
    await assert.rejects(collect(gzip(failing())), /disk went away/);
  });
});

describe('zstd', { timeout: 30_000 }, () => {
  it('round trips', async () => {
    const data = sample();
    const z = await collect(zstd(pieces(data)));
    assert.deepEqual([...z.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
    assert.ok(z.length < data.length);
    assert.deepEqual(await collect(unzstd(pieces(z, 999))), data);
  });

  it('is deterministic for the same input chunks, and honours the level', async () => {
    // Note: unlike gzip, node's streaming zstd output depends on how the input is chunked, so only the
    // same input stream is promised the same bytes.
    const data = sample();
    const a = await collect(zstd(pieces(data), 3));
    const b = await collect(zstd(pieces(data), 3));
    assert.deepEqual(a, b);
    const high = await collect(zstd(pieces(data), 19));
    assert.deepEqual(await collect(unzstd(pieces(high))), data);
  });

  it('unzstd of corrupt data rejects', async () => {
    const z = await collect(zstd(pieces(sample())));
    const corrupt = Buffer.from(z);
    for (let i = 12; i < corrupt.length; i++) corrupt[i] = corrupt[i]! ^ 0xa5;
    await assert.rejects(collect(unzstd(pieces(corrupt))));
    await assert.rejects(collect(unzstd(pieces(Buffer.from('not zstd at all')))));
  });
});

describe('compress / decompress by kind', { timeout: 30_000 }, () => {
  for (const kind of ['none', 'gzip', 'zstd'] as const) {
    it(`round trips ${kind}`, async () => {
      const data = sample(50_000);
      const packed = await collect(compress(pieces(data), kind));
      if (kind === 'none') assert.deepEqual(packed, data);
      else assert.equal(detectCompression(packed), kind);
      assert.deepEqual(await collect(decompress(pieces(packed), kind)), data);
    });
  }
});

describe('detectCompression', () => {
  it('recognises gzip and zstd output', async () => {
    assert.equal(detectCompression(gzipSync(Buffer.from('x'))), 'gzip');
    assert.equal(detectCompression(await collect(zstd(pieces(Buffer.from('x'))))), 'zstd');
  });

  it('recognises xz and bzip2 magic numbers', () => {
    assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
    assert.equal(detectCompression(Buffer.from('BZh91AY&SY')), 'bzip2');
  });

  it('says none for tar bytes, text, short and empty input', () => {
    const tarHead = Buffer.alloc(512);
    tarHead.write('etc/passwd');
    tarHead.write('ustar\x0000', 257, 'latin1');
    assert.equal(detectCompression(tarHead), 'none');
    assert.equal(detectCompression(Buffer.from('{"hello":1}')), 'none');
    assert.equal(detectCompression(Buffer.from([0x1f])), 'none');
    assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f])), 'none');
    assert.equal(detectCompression(new Uint8Array(0)), 'none');
  });
});
