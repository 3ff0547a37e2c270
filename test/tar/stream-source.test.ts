// StreamSource: exact reads across chunk boundaries, no over-reading, EOF handling and closing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StreamSource } from '../../src/tar/stream-source.ts';
import { PithError } from '../../src/util/index.ts';

function counted(parts: Uint8Array[]) {
  const state = { pulled: 0, closed: false };
  async function* gen() {
    try {
      for (const p of parts) {
        state.pulled++;
        yield p;
      }
    } finally {
      state.closed = true;
    }
  }
  return { src: new StreamSource(gen()), state };
}

describe('StreamSource', () => {
  test('reads exact byte counts across chunks and tracks the offset', async () => {
    const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => i & 0xff));
    const { src } = counted([
      data.subarray(0, 3),
      new Uint8Array(0),
      data.subarray(3, 700),
      new Uint8Array(data.subarray(700)),
    ]);
    assert.deepEqual(await src.read(2), data.subarray(0, 2));
    assert.deepEqual(await src.readBlock(), data.subarray(2, 514));
    await src.skip(600);
    assert.equal(src.offset, 1114);
    assert.deepEqual(await src.read(886), data.subarray(1114));
    assert.equal(await src.readBlock(), null);
  });

  test('pulls only as many chunks as a request needs', async () => {
    const { src, state } = counted([Buffer.alloc(512), Buffer.alloc(512), Buffer.alloc(512)]);
    await src.readBlock();
    assert.equal(state.pulled, 1);
    await src.close();
    assert.equal(state.closed, true);
    await src.close();
  });

  test('a partial block or short read is BAD_TAR at the end of the input', async () => {
    const { src } = counted([Buffer.alloc(700)]);
    await src.readBlock();
    await assert.rejects(
      src.readBlock(),
      (e: unknown) => e instanceof PithError && e.code === 'BAD_TAR' && e.details['offset'] === 700,
    );
    const { src: s2 } = counted([Buffer.alloc(10)]);
    await assert.rejects(s2.skip(11), (e: unknown) => e instanceof PithError && e.details['offset'] === 10);
  });
});
