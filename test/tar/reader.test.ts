// readTar: exact round trip of writeTar output (fed in chunks as small as 3 bytes, so every header field
// and every boundary is split), archives made by GNU tar in every format it writes
// (gnu, pax with xattrs, oldgnu, v7), and BAD_TAR on corrupt, truncated or unparsable input.
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bytesEntry, type ReadEntry, readTar, streamTar, writeTar } from '../../src/tar/index.ts';
import { PithError } from '../../src/util/index.ts';
import { chunks, collect, fixture, has, populateSourceDir, run, tempDir } from './helpers.ts';

async function readAll(b: Buffer, chunk = 777): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for await (const e of readTar(chunks(b, chunk))) out.push(e);
  return out;
}

function assertBadTar(offset?: number, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof PithError, String(err));
    assert.equal(err.code, 'BAD_TAR');
    assert.equal(err.kind, 'invalid');
    if (offset !== undefined) assert.equal(err.details['offset'], offset);
    if (message) assert.match(err.message, message);
    return true;
  };
}

describe('readTar round trip', () => {
  for (const chunk of [3, 511, 777, 1 << 20]) {
    test(`writer -> reader is exact (chunks of ${chunk} bytes)`, async () => {
      const { entries, data } = fixture();
      const got = await readAll(await collect(writeTar(entries)), chunk);
      const want = entries.map(({ content: _, ...e }) => ({
        ...e,
        data: data.get(e.path) ?? Buffer.alloc(0),
      }));
      assert.deepStrictEqual(got, want);
    });
  }
});

describe('streamTar', () => {
  for (const chunk of [3, 511, 1 << 20]) {
    test(`gives each file's bytes in pieces, exactly as readTar (chunks of ${chunk} bytes)`, async () => {
      const b = await collect(writeTar(fixture().entries));
      const want = await readAll(b, chunk);
      const got: ReadEntry[] = [];
      for await (const { body, ...e } of streamTar(chunks(b, chunk))) {
        const pieces: Buffer[] = [];
        for await (const piece of body) {
          assert.ok(piece.length <= Math.max(chunk, 1), 'no piece is larger than a source chunk');
          pieces.push(piece);
        }
        got.push({ ...e, data: Buffer.concat(pieces) });
      }
      assert.deepStrictEqual(got, want);
    });
  }

  test('a body left unread, or read in part, is skipped: the next entry is still exact', async () => {
    const b = await collect(writeTar(fixture().entries));
    const want = (await readAll(b)).map((e) => e.path);
    const got: string[] = [];
    let n = 0;
    for await (const e of streamTar(chunks(b, 100))) {
      got.push(e.path);
      if (n++ % 2) for await (const _ of e.body) break;
    }
    assert.deepEqual(got, want);
  });

  test('a truncated body is BAD_TAR where the input ends', async () => {
    const big = Buffer.alloc(10_000, 7);
    const b = await collect(writeTar([bytesEntry('f', big)]));
    const cut = b.subarray(0, 512 + 4000);
    await assert.rejects(
      async () => {
        for await (const e of streamTar(chunks(cut, 1000))) for await (const _ of e.body);
      },
      assertBadTar(4512, /unexpected end of input/),
    );
  });
});

describe('readTar on GNU tar archives', () => {
  const tmp = tempDir();
  const src = join(tmp.dir, 'src');
  before(() => {
    run('mkdir', [src]);
    populateSourceDir(src);
  });
  after(() => tmp.cleanup());

  const check = async (format: string, extra: string[] = []) => {
    const tarPath = join(tmp.dir, `${format}.tar`);
    run('tar', [`--format=${format}`, ...extra, '-cf', tarPath, '-C', src, '.']);
    const got = await readAll(readFileSync(tarPath), 4096);
    assert.equal(got[0]?.path, '', 'the root ./ is yielded as ""');
    const seen = new Map<string, ReadEntry>();
    for (const e of got) {
      const p = join(src, e.path);
      const st = lstatSync(p, { bigint: true });
      assert.equal(e.mode, Number(st.mode) & 0o7777, e.path);
      assert.equal(`${e.uid}:${e.gid}`, `${st.uid}:${st.gid}`, e.path);
      const secs =
        st.mtimeNs / 1_000_000_000n - (st.mtimeNs < 0n && st.mtimeNs % 1_000_000_000n !== 0n ? 1n : 0n);
      if (!st.isDirectory()) assert.equal(e.mtime, Number(secs), e.path);
      if (st.isFile() && e.type === 'hardlink') {
        assert.equal(lstatSync(join(src, e.linkTarget!)).ino, Number(st.ino), e.path);
        assert.equal(seen.get(e.linkTarget!)?.type, 'file', 'hardlink target comes first');
      } else if (st.isFile()) {
        assert.equal(e.type, 'file', e.path);
        assert.deepEqual(e.data, readFileSync(p), e.path);
        assert.equal(e.size, Number(st.size));
      } else if (st.isSymbolicLink()) {
        assert.equal(e.type, 'symlink');
        assert.equal(e.linkTarget, readlinkSync(p), e.path);
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        assert.equal(e.type, st.isCharacterDevice() ? 'char' : 'block');
        assert.equal(
          `${e.devMajor},${e.devMinor}`,
          `${Number(st.rdev) >> 8},${Number(st.rdev) & 0xff}`,
          e.path,
        );
      } else {
        assert.equal(e.type, st.isDirectory() ? 'dir' : 'fifo', e.path);
      }
      seen.set(e.path, e);
    }
    const all = run('find', [src, '-mindepth', '1']).trim().split('\n');
    assert.equal(got.length, all.length + 1);
    return seen;
  };

  test('--format=gnu: long names/links (L/K), base-256 ids and times', async () => {
    const seen = await check('gnu');
    assert.equal(seen.get('big-id')?.uid, 3_000_000);
    assert.equal(seen.get('old')?.mtime, -5);
  });

  test('--format=pax: binary xattrs byte-exact, fractional mtime floored', async () => {
    const seen = await check('pax', ['--xattrs', '--xattrs-include=*']);
    const suid = seen.get('bin/suid')!;
    assert.equal(suid.mtime, 1_700_000_000);
    if (has('setfattr')) {
      assert.deepEqual(suid.xattrs?.get('user.bin'), Buffer.from('00ff0a3d00', 'hex'));
      assert.deepEqual(suid.xattrs?.get('user.empty'), Buffer.alloc(0));
    }
  });

  test('--format=oldgnu and --format=v7 headers', async () => {
    const simple = join(tmp.dir, 'simple');
    run('sh', [
      '-euc',
      'mkdir -p "$1/d" && printf abc > "$1/d/f" && ln -s f "$1/d/l" && chmod 4755 "$1/d/f"',
      'sh',
      simple,
    ]);
    for (const format of ['oldgnu', 'v7']) {
      const tarPath = join(tmp.dir, `${format}.tar`);
      run('tar', [`--format=${format}`, '-cf', tarPath, '-C', simple, 'd']);
      const got = await readAll(readFileSync(tarPath));
      assert.deepEqual(
        got
          .map((e) => [e.path, e.type, e.mode, e.data.toString(), e.linkTarget])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        [
          ['d', 'dir', 0o755, '', undefined],
          ['d/f', 'file', 0o4755, 'abc', undefined],
          ['d/l', 'symlink', 0o777, '', 'f'],
        ],
        format,
      );
    }
  });
});

describe('readTar errors', () => {
  const tarOf = async () => collect(writeTar(fixture().entries));

  test('a flipped byte in a header fails its checksum, at that header', async () => {
    const t = await tarOf();
    t[512 + 10] = t[512 + 10]! ^ 0x01; // the mode field of the second header ('bin/')
    await assert.rejects(readAll(t), assertBadTar(512, /checksum/));
  });

  test('a flipped byte in the checksum field itself', async () => {
    const t = await tarOf();
    t[148] = t[148] === 0x30 ? 0x31 : 0x30;
    await assert.rejects(readAll(t), assertBadTar(0, /checksum/));
  });

  test('truncated inside file data, inside a header and inside padding', async () => {
    const t = await tarOf();
    for (const cut of [512 * 3 + 100, 512 * 2 + 200, t.length - 1024 - 1]) {
      await assert.rejects(
        readAll(t.subarray(0, cut)),
        assertBadTar(undefined, /unexpected end/),
        `cut at ${cut}`,
      );
    }
  });

  test('a PAX record that does not parse', async () => {
    const { encode } = await paxArchive('12 path=ab\n');
    await assert.rejects(readAll(encode), assertBadTar(512, /PAX record/));
    const { encode: noEq } = await paxArchive('8 abcde\n');
    await assert.rejects(readAll(noEq), assertBadTar(512, /PAX record/));
  });

  test('stops at the end-of-archive blocks without reading further', async () => {
    const t = await tarOf();
    let pulledAfter = false;
    let closed = false;
    async function* source() {
      try {
        yield t;
        pulledAfter = true;
        yield Buffer.from('garbage that is not a tar header');
      } finally {
        closed = true;
      }
    }
    let n = 0;
    for await (const _ of readTar(source())) n++;
    assert.equal(n, fixture().entries.length);
    assert.equal(pulledAfter, false);
    assert.equal(closed, true);
  });

  test('GNU-style 10 KiB record padding and a missing end marker are accepted', async () => {
    const one = await collect(
      writeTar([{ path: 'a', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 }]),
    );
    assert.equal((await readAll(Buffer.concat([one, Buffer.alloc(8192)]))).length, 1);
    assert.equal((await readAll(one.subarray(0, 512))).length, 1);
  });
});

/** An archive whose only header is a PAX 'x' header with `records`, followed by a dir entry. */
async function paxArchive(records: string): Promise<{ encode: Buffer }> {
  const dir = await collect(
    writeTar([{ path: 'a', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 }]),
  );
  const h = Buffer.alloc(512);
  h.write('PaxHeaders.0/a', 0);
  h.write('0000000', 100);
  h.write(Buffer.byteLength(records).toString(8).padStart(11, '0'), 124);
  h.write('x', 156);
  h.write('ustar\x0000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const payload = Buffer.alloc(512);
  payload.write(records);
  return { encode: Buffer.concat([h, payload, dir]) };
}
