// scanTar: end-of-archive rules, meta payload handling and data offsets, independent of the byte source.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { writeTar } from '../../src/tar/index.ts';
import { scanTar } from '../../src/tar/scan.ts';
import { StreamSource } from '../../src/tar/stream-source.ts';
import { PithError } from '../../src/util/index.ts';
import { chunks, collect } from './helpers.ts';

async function scan(b: Buffer, withData = false) {
  const out = [];
  for await (const s of scanTar(new StreamSource(chunks(b, 300)), withData ? 'read' : 'skip')) out.push(s);
  return out;
}

const entries = () => [
  {
    path: 'ü'.repeat(60),
    type: 'file' as const,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: 0,
    size: 3,
    content: async function* () {
      yield Buffer.from('abc');
    },
  },
  { path: 'd', type: 'dir' as const, mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 },
];

describe('scanTar', () => {
  test('data offsets follow PAX headers; data is read only when asked', async () => {
    const t = await collect(writeTar(entries()));
    const [f, d] = await scan(t);
    assert.equal(f!.offset, 3 * 512, 'PAX header + payload + ustar header');
    assert.equal(f!.data, undefined);
    assert.equal(d!.offset, 5 * 512);
    const [withData] = await scan(t, true);
    assert.equal(withData!.data?.toString(), 'abc');
  });

  test('end of archive: two zero blocks, one zero block then EOF, or EOF at a header', async () => {
    const t = await collect(writeTar(entries()));
    const body = t.subarray(0, t.length - 1024);
    for (const tail of [Buffer.alloc(1024), Buffer.alloc(512), Buffer.alloc(0), Buffer.alloc(10240)]) {
      assert.equal((await scan(Buffer.concat([body, tail]))).length, 2);
    }
  });

  test('a zero block followed by a non-zero block is BAD_TAR', async () => {
    const t = await collect(writeTar(entries()));
    const body = t.subarray(0, t.length - 1024);
    const junk = Buffer.alloc(1024);
    junk[600] = 1;
    await assert.rejects(scan(Buffer.concat([body, junk])), (e: unknown) => {
      return e instanceof PithError && e.code === 'BAD_TAR' && e.details['offset'] === body.length + 512;
    });
  });

  test('a meta header with nothing after it is BAD_TAR', async () => {
    const t = await collect(writeTar(entries()));
    await assert.rejects(
      scan(t.subarray(0, 1024)),
      (e: unknown) => e instanceof PithError && /not followed/.test(e.message),
    );
  });
});
