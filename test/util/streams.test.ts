// Stream helpers: through() propagates errors from the source and the transform; counting, drain, memo, coalesce.
import assert from 'node:assert/strict';
import { PassThrough, Transform } from 'node:stream';
import { describe, it } from 'node:test';
import { createGunzip } from 'node:zlib';
import { coalesce, counting, drain, memo, through } from '../../src/util/index.ts';

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

describe('through', { timeout: 10_000 }, () => {
  it('passes the bytes through the transform', async () => {
    async function* src() {
      yield Buffer.from('abc');
      yield Buffer.from('def');
    }
    const upper = new Transform({
      transform(chunk: Buffer, _enc, done) {
        done(null, Buffer.from(chunk.toString().toUpperCase()));
      },
    });
    assert.equal((await collect(through(src(), upper))).toString(), 'ABCDEF');
  });

  it('a failing source rejects the iteration', async () => {
    async function* src() {
      yield Buffer.from('first');
      throw new Error('source broke');
    }
    await assert.rejects(collect(through(src(), new PassThrough())), /source broke/);
  });

  it('a source that fails before yielding rejects the iteration', async () => {
    // biome-ignore lint/correctness/useYield: the generator fails before its first chunk on purpose
    async function* src(): AsyncGenerator<Buffer> {
      throw new Error('nothing at all');
    }
    await assert.rejects(collect(through(src(), new PassThrough())), /nothing at all/);
  });

  it('a failing transform rejects the iteration', async () => {
    async function* src() {
      yield Buffer.from('this is not gzip data at all');
    }
    await assert.rejects(collect(through(src(), createGunzip())));
  });
});

describe('counting and drain', () => {
  it('counting reports every chunk and passes it on', async () => {
    const seen: number[] = [];
    async function* src() {
      yield Buffer.from('ab');
      yield Buffer.from('cde');
    }
    const out = await collect(counting(src(), (c) => seen.push(c.length)));
    assert.equal(out.toString(), 'abcde');
    assert.deepEqual(seen, [2, 3]);
  });

  it('drain consumes the whole stream and surfaces its error', async () => {
    let n = 0;
    async function* src() {
      for (let i = 0; i < 5; i++) {
        n++;
        yield i;
      }
    }
    await drain(src());
    assert.equal(n, 5);
    async function* bad() {
      yield 1;
      throw new Error('late failure');
    }
    await assert.rejects(drain(bad()), /late failure/);
  });
});

describe('memo', () => {
  it('computes once, on first use', () => {
    let calls = 0;
    const get = memo(() => {
      calls++;
      return { value: calls };
    });
    assert.equal(calls, 0);
    const a = get();
    const b = get();
    assert.equal(calls, 1);
    assert.equal(a, b);
  });

  it('caches undefined results too', () => {
    let calls = 0;
    const get = memo(() => {
      calls++;
      return undefined;
    });
    get();
    get();
    assert.equal(calls, 1);
  });
});

describe('coalesce', () => {
  it('joins small chunks into ones of at least the minimum, the same bytes in order, the rest last', async () => {
    const pieces = Array.from({ length: 300 }, (_, i) => Buffer.alloc(1000, i % 251));
    const out: Buffer[] = [];
    for await (const c of coalesce(from(pieces), 64 * 1024)) out.push(c);
    assert.deepEqual(Buffer.concat(out), Buffer.concat(pieces));
    assert.ok(out.slice(0, -1).every((c) => c.length >= 64 * 1024));
    assert.equal(out.length, Math.ceil(300_000 / 66_000));
  });

  it('passes a chunk already large enough through as it is, and gives nothing for nothing', async () => {
    const big = Buffer.alloc(2 << 20, 7);
    const out: Buffer[] = [];
    for await (const c of coalesce(from([big]))) out.push(c);
    assert.equal(out.length, 1);
    assert.equal(out[0], big);
    for await (const _ of coalesce(from([]))) assert.fail('no chunk');
  });
});

async function* from(chunks: Buffer[]): AsyncIterable<Buffer> {
  yield* chunks;
}
