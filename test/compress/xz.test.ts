// unxz on both paths (the system `xz -dc -T0` pipe and the WASM fallback, picked with PITH_XZ): identical
// output for empty, small, multi-block and concatenated input; BAD_XZ for every kind of corruption (even
// one only found after the last output); source errors and early breaks that leave no xz child behind.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { unxz } from '../../src/compress/xz.ts';
import { PithError } from '../../src/util/index.ts';

const MODULE = new URL('../../src/compress/xz.ts', import.meta.url);

function xz(input: Buffer, args: string[] = []): Buffer {
  return execFileSync('xz', [...args, '-c'], { input, maxBuffer: 1 << 30 });
}

/** 20 MiB of deterministic mixed data: runs of random bytes, zeros and word-like text. */
function mixed(n = 20 * 1024 * 1024): Buffer {
  const b = Buffer.alloc(n);
  const words = ['lib', 'usr', 'share', 'doc', 'copyright', '.so.6', 'python3', '\n', ' ', 'amd64'];
  let x = 1;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < n; ) {
    const kind = next() >>> 30;
    const end = Math.min(n, i + 256 + (next() & 0x3fff));
    if (kind === 0) for (; i < end; i++) b[i] = next() >>> 24;
    else if (kind === 1) i = end;
    else while (i < end) i += b.write(words[next() % words.length]!, i, end - i);
  }
  return b;
}

async function* pieces(b: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function* thenThrow(b: Buffer, error: Error): AsyncIterable<Buffer> {
  yield* pieces(b, 65536);
  throw error;
}

/** unxz with PITH_XZ set only for the call: the mode is read at call time, not at iteration. */
function unxzWith(mode: string, source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const saved = process.env['PITH_XZ'];
  process.env['PITH_XZ'] = mode;
  try {
    return unxz(source);
  } finally {
    if (saved === undefined) delete process.env['PITH_XZ'];
    else process.env['PITH_XZ'] = saved;
  }
}

/** Collects a decoding; one that has not ended within 30 s fails, and its xz child is killed. */
async function collect(it: AsyncIterable<Buffer>, into: Buffer[] = []): Promise<Buffer> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const pid of xzChildren()) process.kill(pid, 'SIGKILL');
      reject(new Error('the decoding did not end within 30 s'));
    }, 30_000);
  });
  const decoding = (async () => {
    for await (const c of it) into.push(c);
    return Buffer.concat(into);
  })();
  try {
    return await Promise.race([decoding, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pids of this process's children named xz (running or zombie), from /proc. */
function xzChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === 'xz' && ppid === process.pid) pids.push(Number(name));
  }
  return pids;
}

/** The number of blocks in an xz file (`xz --list` reads files only). */
function blockCount(data: Buffer): number {
  const dir = mkdtempSync(join(tmpdir(), 'pith-xz-'));
  try {
    writeFileSync(join(dir, 'f.xz'), data);
    const list = execFileSync('xz', ['--robot', '--list', join(dir, 'f.xz')], { encoding: 'utf8' });
    return Number(/^totals\t\d+\t(\d+)/m.exec(list)?.[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function isBadXz(err: unknown): boolean {
  assert.ok(err instanceof PithError, `not a PithError: ${err}`);
  assert.equal(err.code, 'BAD_XZ', err.message);
  assert.match(err.message, /^xz data is corrupt: \S/);
  return true;
}

const TEXT = Buffer.from('Package: libc6\nVersion: 2.36-9+deb12u14\nArchitecture: amd64\n'.repeat(40));
let big: Buffer;
let bigXz: Buffer;
let smallXz: Buffer;
let emptyXz: Buffer;
let concatXz: Buffer;
let concatPlain: Buffer;
/** 1 MiB in 16 blocks: multi-block like bigXz, cheap enough to decode once per truncation point. */
let midXz: Buffer;

before(() => {
  big = mixed();
  bigXz = xz(big, ['-T2', '--block-size=1MiB']);
  assert.ok(blockCount(bigXz) >= 10, 'the big fixture must be multi-block');
  smallXz = xz(TEXT);
  emptyXz = execFileSync('xz', ['-c'], { input: '' });
  const slice = big.subarray(5 << 20, 6 << 20);
  midXz = xz(slice, ['-T2', '--block-size=64KiB']);
  concatXz = Buffer.concat([smallXz, midXz]);
  concatPlain = Buffer.concat([TEXT, slice]);
});

// A broken unxz may leave xz waiting on its stdin, which would keep this file's process alive.
after(() => {
  for (const pid of xzChildren()) process.kill(pid, 'SIGKILL');
});

for (const mode of ['system', 'wasm'] as const) {
  describe(`unxz, PITH_XZ=${mode}`, { timeout: 120_000 }, () => {
    it('decodes the empty stream (xz -c </dev/null) to nothing', async () => {
      assert.equal(emptyXz.length, 32);
      assert.deepEqual(await collect(unxzWith(mode, pieces(emptyXz, 5))), Buffer.alloc(0));
    });

    it('decodes small text, whatever the chunking', async () => {
      assert.deepEqual(await collect(unxzWith(mode, pieces(smallXz, 1))), TEXT);
      assert.deepEqual(await collect(unxzWith(mode, pieces(smallXz, smallXz.length))), TEXT);
    });

    it('decodes 20 MB of multi-block data identically, on the expected path', async (t) => {
      const start = performance.now();
      const parts: Buffer[] = [];
      for await (const chunk of unxzWith(mode, pieces(bigXz, 65536))) {
        if (parts.length === 0) assert.equal(xzChildren().length, mode === 'system' ? 1 : 0);
        parts.push(chunk);
      }
      const seconds = (performance.now() - start) / 1000;
      assert.ok(Buffer.concat(parts).equals(big), 'output differs from the input of xz');
      t.diagnostic(`${mode}: ${(big.length / 1e6 / seconds).toFixed(1)} MB/s (20 MB, 20 blocks)`);
    });

    it('decodes two concatenated xz streams', async () => {
      assert.ok((await collect(unxzWith(mode, pieces(concatXz, 4096)))).equals(concatPlain));
    });

    it('rejects a flipped byte in the middle', async () => {
      for (const good of [smallXz, bigXz]) {
        const bad = Buffer.from(good);
        bad[bad.length >> 1]! ^= 0x55;
        await assert.rejects(collect(unxzWith(mode, pieces(bad, 65536))), isBadXz);
      }
    });

    it('rejects corruption found only after the last output (stream footer)', async () => {
      const bad = Buffer.from(bigXz);
      bad[bad.length - 12]! ^= 0x55;
      const got: Buffer[] = [];
      await assert.rejects(collect(unxzWith(mode, pieces(bad, 65536)), got), isBadXz);
      if (mode === 'system') assert.ok(Buffer.concat(got).equals(big), 'xz emits everything, then fails');
    });

    it('rejects truncated data at several points', async () => {
      const n = midXz.length;
      assert.ok(blockCount(midXz) >= 10 && n > 100_000);
      for (const at of [1, 6, 12, 13, 100_000, n >> 1, n - 13, n - 12, n - 4, n - 1]) {
        const cut = midXz.subarray(0, at);
        await assert.rejects(collect(unxzWith(mode, pieces(cut, 65536))), isBadXz, `cut at ${at}`);
      }
      await assert.rejects(collect(unxzWith(mode, pieces(smallXz.subarray(0, -1), 7))), isBadXz);
    });

    it('rejects trailing garbage and data that is not xz', async () => {
      const inputs = [
        Buffer.concat([smallXz, Buffer.from('garbage\n')]),
        Buffer.concat([midXz, Buffer.from('garbage\n')]),
        TEXT,
        execFileSync('gzip', ['-c'], { input: TEXT }),
        Buffer.alloc(0),
      ];
      for (const input of inputs) await assert.rejects(collect(unxzWith(mode, pieces(input, 4096))), isBadXz);
    });

    it('rejects with the source’s own error when the source throws (and leaves no xz child)', async () => {
      for (const prefix of [Buffer.alloc(0), bigXz.subarray(0, bigXz.length >> 1)]) {
        const boom = new Error('disk on fire');
        await assert.rejects(collect(unxzWith(mode, thenThrow(prefix, boom))), (err) => err === boom);
        assert.deepEqual(xzChildren(), []);
      }
    });
  });
}

describe('unxz, system path lifecycle', { timeout: 120_000 }, () => {
  it('an early break kills xz, reaps it, stops reading the source and raises nothing', async () => {
    const stray: unknown[] = [];
    const note = (err: unknown) => stray.push(err);
    process.on('uncaughtException', note).on('unhandledRejection', note);
    try {
      let sourceClosed = false;
      async function* source(): AsyncIterable<Buffer> {
        try {
          yield* pieces(bigXz, 16384);
        } finally {
          sourceClosed = true;
        }
      }
      let seen = 0;
      for await (const chunk of unxzWith('system', source())) {
        assert.ok(chunk.length > 0);
        assert.equal(xzChildren().length, 1, 'xz runs while decoding');
        if (++seen === 2) break;
      }
      assert.deepEqual(xzChildren(), [], 'no xz child (running or zombie) once the loop has returned');
      for (let i = 0; i < 40 && !sourceClosed; i++) await sleep(50);
      assert.ok(sourceClosed, 'the source was closed');
      await sleep(200);
      assert.deepEqual(xzChildren(), []);
      assert.deepEqual(stray, []);
    } finally {
      process.off('uncaughtException', note).off('unhandledRejection', note);
    }
  });

  it('rejects an unknown PITH_XZ', async () => {
    await assert.rejects(collect(unxzWith('fast', pieces(smallXz, 64))), { code: 'BAD_PITH_XZ' });
  });

  it('without xz on PATH: PITH_XZ=system fails, the default falls back to WASM', () => {
    const script = `import { unxz } from ${JSON.stringify(MODULE.href)};
      async function* one() { yield Buffer.from(process.argv[1], 'base64'); }
      try { const parts = []; for await (const c of unxz(one())) parts.push(c);
        console.log(JSON.stringify({ text: Buffer.concat(parts).toString() })); }
      catch (err) { console.log(JSON.stringify({ code: err.code })); }`;
    const runWith = (env: Record<string, string>) => {
      const args = ['--input-type=module', '-e', script, smallXz.toString('base64')];
      const r = spawnSync(process.execPath, args, { env: { PATH: '/nonexistent', ...env }, timeout: 30_000 });
      assert.equal(r.status, 0, String(r.stderr));
      return JSON.parse(String(r.stdout)) as { text?: string; code?: string };
    };
    assert.deepEqual(runWith({ PITH_XZ: 'system' }), { code: 'XZ_MISSING' });
    assert.deepEqual(runWith({}), { text: TEXT.toString() });
    assert.deepEqual(runWith({ PITH_XZ: 'wasm' }), { text: TEXT.toString() });
  });
});
