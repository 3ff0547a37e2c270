// Blobs: memory blobs and verifiedContent (size first, then digest; fails before the end); verifyingBlob.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Blob,
  type Descriptor,
  memoryBlob,
  verifiedContent,
  verifyingBlob,
} from '../../src/oci/index.ts';
import { PithError, sha256 } from '../../src/util/index.ts';
import { collect, readBlob } from './fixtures.ts';

const DATA = Buffer.from('the content of a small blob, long enough to split');
const desc = (over: Partial<Descriptor> = {}): Descriptor => ({
  mediaType: 'application/octet-stream',
  digest: sha256(DATA),
  size: DATA.length,
  ...over,
});
const parts = [DATA.subarray(0, 10), DATA.subarray(10, 30), DATA.subarray(30)];

function code(c: string) {
  return (err: unknown): boolean => err instanceof PithError && err.code === c && err.kind === 'invalid';
}

describe('memoryBlob', () => {
  it('reads one buffer or several chunks, repeatedly', async () => {
    const one = memoryBlob(desc(), DATA);
    const many = memoryBlob(desc(), parts);
    assert.deepEqual(await readBlob(one), DATA);
    assert.deepEqual(await readBlob(many), DATA);
    assert.deepEqual(await readBlob(many), DATA, 'open() can be called again');
  });
});

describe('verifiedContent', () => {
  it('passes matching content through unchanged', async () => {
    assert.deepEqual(await collect(verifiedContent(memoryBlob(desc(), parts))), DATA);
  });

  it('verifies sha512 descriptors too', async () => {
    const d = desc({ digest: `sha512:${createHash('sha512').update(DATA).digest('hex')}` });
    assert.deepEqual(await collect(verifiedContent(memoryBlob(d, parts))), DATA);
    const wrong = desc({ digest: `sha512:${'0'.repeat(128)}` });
    await assert.rejects(collect(verifiedContent(memoryBlob(wrong, parts))), code('DIGEST_MISMATCH'));
  });

  it('rejects content shorter than the descriptor (SIZE_MISMATCH)', async () => {
    const blob = memoryBlob(desc({ size: DATA.length + 1 }), DATA);
    await assert.rejects(collect(verifiedContent(blob)), code('SIZE_MISMATCH'));
  });

  it('rejects content of the right size but the wrong digest (DIGEST_MISMATCH)', async () => {
    const other = Buffer.from(DATA);
    other[5] = other[5]! ^ 1;
    await assert.rejects(collect(verifiedContent(memoryBlob(desc(), other))), code('DIGEST_MISMATCH'));
  });

  it('rejects too-long content as soon as it exceeds the size, before yielding the excess', async () => {
    let opened = 0;
    const blob: Blob = {
      descriptor: desc(),
      async *open() {
        opened++;
        yield DATA;
        yield Buffer.from('excess');
        throw new Error('should never be read this far');
      },
    };
    const got: Buffer[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of verifiedContent(blob)) got.push(c);
      })(),
      code('SIZE_MISMATCH'),
    );
    assert.equal(opened, 1);
    assert.deepEqual(Buffer.concat(got), DATA);
  });

  it('rejects an empty blob whose descriptor claims content', async () => {
    await assert.rejects(collect(verifiedContent(memoryBlob(desc(), []))), code('SIZE_MISMATCH'));
  });

  it('refuses a digest algorithm it cannot compute', async () => {
    const blob = memoryBlob(desc({ digest: `blake3:${'a'.repeat(64)}` }), DATA);
    await assert.rejects(
      collect(verifiedContent(blob)),
      (err: unknown) => err instanceof PithError && err.code === 'UNSUPPORTED_DIGEST',
    );
  });

  it("passes on a verifyingBlob's own stream, and checks a copy of it as any other blob", async () => {
    const tampered = Buffer.from(DATA);
    tampered[0] = tampered[0]! ^ 1;
    let opened = 0;
    const blob = verifyingBlob(desc(), async function* () {
      opened++;
      yield tampered; // a stand-in for a stream that checks itself: passed on as it is
    });
    assert.deepEqual(await collect(verifiedContent(blob)), tampered);
    assert.equal(opened, 1);
    await assert.rejects(collect(verifiedContent({ ...blob })), code('DIGEST_MISMATCH'));
  });
});
