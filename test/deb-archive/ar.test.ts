// readAr: round trip of writeAr output under any chunking, GNU ar(1) archives as the oracle, streaming
// (bodies are never buffered, unread bodies are skipped, the source is closed), and BAD_AR on bad input.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type ArMember, readAr, writeAr } from '../../src/deb-archive/index.ts';
import { arHeader } from '../../src/deb-archive/write-ar.ts';
import { PithError } from '../../src/util/index.ts';
import { chunks, collect, pithError, run, tempDir } from './helpers.ts';

const MEMBERS = [
  { name: 'debian-binary', data: Buffer.from('2.0\n') },
  { name: 'empty', data: Buffer.alloc(0) },
  { name: 'odd', data: Buffer.from('abc') },
  { name: '_extra.sig', data: Buffer.from('x') },
  { name: 'big', data: Buffer.alloc(70_001, 0x5a) },
];

async function readAll(source: AsyncIterable<Buffer>, where = 'test.deb') {
  const out: { name: string; size: number; data: Buffer }[] = [];
  for await (const m of readAr(source, where))
    out.push({ name: m.name, size: m.size, data: await collect(m.body) });
  return out;
}

describe('readAr round trip', () => {
  const archive = writeAr(MEMBERS);
  for (const size of [1, 7, 60, 4096, 1 << 20]) {
    test(`writeAr -> readAr is exact (chunks of ${size} bytes)`, async () => {
      const want = MEMBERS.map((m) => ({ name: m.name, size: m.data.length, data: m.data }));
      assert.deepEqual(await readAll(chunks(archive, size)), want);
    });
  }

  test('unread and half-read bodies are skipped', async () => {
    const names: string[] = [];
    for await (const m of readAr(chunks(archive, 1000), 'x')) {
      names.push(m.name);
      if (m.name === 'big') for await (const _ of m.body) break;
    }
    assert.deepEqual(
      names,
      MEMBERS.map((m) => m.name),
    );
  });

  test('a body cannot be read after the next member was requested', async () => {
    const it = readAr(chunks(archive), 'x')[Symbol.asyncIterator]();
    const first = (await it.next()).value as ArMember;
    await it.next();
    await assert.rejects(
      collect(first.body),
      (e: unknown) => e instanceof PithError && e.kind === 'internal',
    );
    await it.return?.();
  });
});

describe('readAr on GNU ar archives', () => {
  test("names with GNU's trailing '/' and both paddings match ar(1)", async () => {
    const tmp = tempDir();
    try {
      const files = ['a', 'bb.txt', 'debian-binary', 'c'];
      for (const [i, f] of files.entries()) writeFileSync(join(tmp.dir, f), randomBytes(i * 3 + 1));
      const archive = join(tmp.dir, 'x.a');
      run('ar', ['rcD', archive, ...files.map((f) => join(tmp.dir, f))]);
      const got = await readAll(chunks(readFileSync(archive), 13));
      assert.deepEqual(
        got.map((m) => m.name),
        run('ar', ['t', archive]).trim().split('\n'),
      );
      for (const m of got) assert.ok(m.data.equals(readFileSync(join(tmp.dir, m.name))), m.name);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('readAr streams', () => {
  const HUGE = 9_999_999_999; // the largest size the 10-digit field holds
  test('a 9 GB member is streamed piece by piece, never buffered', async () => {
    let pulled = 0;
    let closed = false;
    async function* huge() {
      try {
        yield Buffer.concat([Buffer.from('!<arch>\n'), arHeader('data.tar', HUGE)]);
        const block = Buffer.alloc(4 << 20, 1);
        for (;;) {
          pulled += block.length;
          yield block;
        }
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    let biggest = 0;
    for await (const m of readAr(huge(), 'huge.deb')) {
      assert.equal(m.size, HUGE);
      for await (const piece of m.body) {
        biggest = Math.max(biggest, piece.length);
        seen += piece.length;
        if (seen >= 64 << 20) break;
      }
      break;
    }
    assert.ok(biggest <= 1 << 20, `pieces of at most 1 MiB, got ${biggest}`);
    assert.ok(pulled <= (64 << 20) + (4 << 20), `pulled ${pulled} bytes`);
    assert.ok(closed, 'source closed when iteration was abandoned');
  });
});

describe('readAr rejects bad archives', () => {
  const good = writeAr(MEMBERS);
  const header = (name: string, size: string, fmag = '`\n') =>
    Buffer.from(`!<arch>\n${name.padEnd(16)}${'0'.padEnd(12)}0     0     100644  ${size.padEnd(10)}${fmag}`);
  const cases: [string, Buffer][] = [
    ['empty input', Buffer.alloc(0)],
    ['wrong magic', Buffer.concat([Buffer.from('!<arch>\r'), good.subarray(8)])],
    ['a tar file', Buffer.alloc(1024)],
    ['truncated header', good.subarray(0, 8 + 30)],
    ['truncated body', good.subarray(0, good.length - 100)],
    ['bad terminator', header('x', '1', '\n\n')],
    ['non-numeric size', header('x', '12a')],
    ['negative size', header('x', '-1')],
    ['GNU symbol table', header('/', '0')],
    ['GNU long-name table', header('//', '0')],
    ['GNU long-name reference', header('/0', '0')],
    ['BSD long name', header('#1/20', '20')],
  ];
  for (const [what, bytes] of cases) {
    test(what, async () => {
      await assert.rejects(readAll(chunks(bytes, 5), 'bad.deb'), pithError('BAD_AR', 'bad.deb'));
    });
  }

  test('long names are refused with a clear message', async () => {
    await assert.rejects(readAll(chunks(header('#1/20', '20')), 'bsd.deb'), /GNU\/BSD long-name/);
  });
});
