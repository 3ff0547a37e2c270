// writeTar against independent oracles (GNU tar listing and extraction with xattrs, Python tarfile), plus
// determinism, mtime clamping, the end-of-archive layout, CONTENT_SIZE_CHANGED and streaming throughput.
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type TarEntry, writeTar } from '../../src/tar/index.ts';
import { PithError } from '../../src/util/index.ts';
import {
  BIG_UID,
  CAPABILITY,
  collect,
  contentOf,
  fixture,
  has,
  LONG_PATH,
  LONG_PAX_PATH,
  LONG_TARGET,
  NO_SPLIT,
  pythonList,
  run,
  tempDir,
  UTF8_NAME,
} from './helpers.ts';

const TYPE_FLAG: Record<string, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

describe('writeTar output read by oracles', () => {
  const tmp = tempDir();
  const tarPath = join(tmp.dir, 'fixture.tar');
  const { entries, data } = fixture();
  before(async () => writeFileSync(tarPath, await collect(writeTar(fixture().entries))));
  after(() => tmp.cleanup());

  test('Python tarfile sees every field exactly, incl. binary xattrs', () => {
    const members = pythonList(tarPath);
    assert.equal(members.length, entries.length);
    entries.forEach((e, i) => {
      const m = members[i]!;
      assert.equal(m.name, e.path === '' ? '.' : e.path);
      assert.equal(m.type, TYPE_FLAG[e.type], e.path);
      assert.equal(m.mode, e.mode, e.path);
      assert.equal(m.uid, e.uid, e.path);
      assert.equal(m.gid, e.gid, e.path);
      assert.equal(m.mtime, e.mtime, e.path);
      assert.equal(m.size, e.type === 'file' ? e.size : 0, e.path);
      assert.equal(m.linkname, e.linkTarget ?? '', e.path);
      assert.equal(m.devmajor, e.devMajor ?? 0, e.path);
      assert.equal(m.devminor, e.devMinor ?? 0, e.path);
      assert.equal(m.data, e.type === 'file' ? data.get(e.path)!.toString('hex') : null, e.path);
      const xattrs = Object.entries(m.pax).filter(([k]) => k.startsWith('SCHILY.xattr.'));
      const want = [...(e.xattrs ?? [])].map(([k, v]) => [`SCHILY.xattr.${k}`, v.toString('hex')] as const);
      assert.deepEqual(new Map(xattrs), new Map(want), e.path);
    });
  });

  test('PAX records appear only where needed, never atime/ctime', () => {
    const pax = new Map(pythonList(tarPath).map((m) => [m.name, Object.keys(m.pax).sort()]));
    assert.deepEqual(pax.get('bin'), []);
    assert.deepEqual(pax.get(LONG_PATH), [], '256-char path fits ustar prefix+name');
    assert.deepEqual(pax.get(LONG_PAX_PATH), ['path']);
    assert.deepEqual(pax.get(NO_SPLIT), ['path'], '154 chars with no / cannot be split');
    assert.deepEqual(pax.get(UTF8_NAME), ['path']);
    assert.deepEqual(pax.get('bin/long-link'), ['linkpath']);
    assert.deepEqual(pax.get('home/big/f'), ['gid', 'mtime', 'uid']);
    assert.deepEqual(pax.get('home/nonroot/empty'), [], 'uid 65532 fits ustar');
    assert.deepEqual(pax.get('bin/suid'), [
      'SCHILY.xattr.security.capability',
      'SCHILY.xattr.user.empty',
      'SCHILY.xattr.user.test',
    ]);
    for (const keys of pax.values()) assert.ok(!keys.includes('atime') && !keys.includes('ctime'));
  });

  test('GNU tar lists names, types, modes, ids, dates and devices', () => {
    const lines = run('tar', ['-tvvf', tarPath])
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(/ +/g, ' '));
    const expected = [
      'drwxr-xr-x 0/0 0 1970-01-01 00:00 ./',
      '-rwsr-xr-x 0/0 1000 2023-11-14 22:13 bin/suid',
      'hrwsr-xr-x 0/0 0 2023-11-14 22:13 bin/suid-link link to bin/suid',
      'lrwxrwxrwx 0/0 0 2023-11-14 22:13 bin/sh -> dash',
      `lrwxrwxrwx 0/0 0 2023-11-14 22:13 bin/long-link -> ${LONG_TARGET}`,
      'crw-rw-rw- 0/0 1,3 2023-11-14 22:13 dev/null',
      'brw-rw---- 0/6 7,0 2023-11-14 22:13 dev/loop0',
      `drwxr-xr-x ${BIG_UID}/${BIG_UID} 0 2023-11-14 22:13 home/big/`,
      `-rw-r--r-- ${BIG_UID}/${BIG_UID} 70000 2242-03-16 12:56 home/big/f`,
      'drwx------ 65532/65532 0 2023-11-14 22:13 home/nonroot/',
      `-rw-r--r-- 0/0 512 1970-01-01 00:00 ${LONG_PATH}`,
      `-rw-r--r-- 0/0 100 2023-11-14 22:13 ${LONG_PAX_PATH}`,
      `-rw-r--r-- 0/0 513 2023-11-14 22:13 ${NO_SPLIT}`,
      'prw--w---- 0/0 0 2023-11-14 22:13 run-fifo',
      'drwxrwxrwt 0/0 0 2023-11-14 22:13 tmp/',
      `-rw-r--r-- 0/0 7 2023-11-14 22:13 ${UTF8_NAME}`,
    ];
    for (const line of expected) assert.ok(lines.includes(line), `missing: ${line}\n${lines.join('\n')}`);
    assert.equal(lines.length, entries.length);
  });

  test('GNU tar extracts every type with modes, ids, times and binary xattrs', {
    timeout: 60_000,
  }, () => {
    const root = join(tmp.dir, 'x');
    run('mkdir', [root]);
    run('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-xpf', tarPath, '-C', root]);
    for (const e of entries.filter((x) => x.path !== '')) {
      const p = join(root, e.path);
      const st = lstatSync(p);
      const kind = st.isFile()
        ? e.type === 'hardlink'
          ? 'hardlink'
          : 'file'
        : st.isDirectory()
          ? 'dir'
          : st.isSymbolicLink()
            ? 'symlink'
            : st.isCharacterDevice()
              ? 'char'
              : st.isBlockDevice()
                ? 'block'
                : 'fifo';
      assert.equal(kind, e.type, e.path);
      assert.equal([st.uid, st.gid].join(':'), [e.uid, e.gid].join(':'), e.path);
      if (e.type !== 'symlink') assert.equal(st.mode & 0o7777, e.mode, e.path);
      if (e.type !== 'dir') assert.equal(Math.floor(st.mtimeMs / 1000), e.mtime, e.path);
      if (e.type === 'file') assert.deepEqual(readFileSync(p), data.get(e.path), e.path);
      if (e.type === 'symlink') assert.equal(readlinkSync(p), e.linkTarget);
      if (e.type === 'hardlink') assert.equal(st.ino, lstatSync(join(root, e.linkTarget!)).ino);
      if (e.type === 'char' || e.type === 'block')
        assert.equal(st.rdev, (e.devMajor! << 8) | e.devMinor!, e.path);
    }
    if (!has('getfattr')) return;
    const attrs = run('getfattr', ['-d', '-m', '-', '-e', 'hex', '--absolute-names', join(root, 'bin/suid')]);
    assert.match(attrs, new RegExp(`^security\\.capability=0x${CAPABILITY.toString('hex')}$`, 'm'));
    assert.match(attrs, /^user\.test=0x68656c6c6f$/m);
    assert.match(attrs, /^user\.empty=0x$/m);
  });
});

describe('writeTar determinism and layout', () => {
  test('same entries give byte-identical output', async () => {
    const a = await collect(writeTar(fixture().entries));
    const b = await collect(writeTar(fixture().entries));
    assert.ok(a.equals(b));
    assert.equal(a.length % 512, 0);
  });

  test('ends with exactly two zero blocks and no record padding', async () => {
    const out = await collect(
      writeTar([{ path: 'a', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 0 }]),
    );
    assert.equal(out.length, 3 * 512);
    assert.ok(out.subarray(512).equals(Buffer.alloc(1024)));
    assert.equal((await collect(writeTar([]))).length, 1024);
  });

  test('clampMtime lowers newer mtimes only', async () => {
    const tmp = tempDir();
    try {
      const path = join(tmp.dir, 'c.tar');
      writeFileSync(path, await collect(writeTar(fixture().entries, { clampMtime: 1_000_000 })));
      const byName = new Map(pythonList(path).map((m) => [m.name, m.mtime]));
      assert.equal(byName.get('bin'), 1_000_000);
      assert.equal(byName.get('home/big/f'), 1_000_000);
      assert.equal(byName.get('.'), 0);
      assert.equal(byName.get(LONG_PATH), 1);
    } finally {
      tmp.cleanup();
    }
  });

  test('fractional mtimes are floored', async () => {
    const e: TarEntry = { path: 'd', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 99.9, size: 0 };
    const out = await collect(writeTar([e]));
    assert.equal(out.toString('latin1', 136, 147), (99).toString(8).padStart(11, '0'));
  });
});

describe('writeTar CONTENT_SIZE_CHANGED', () => {
  const file = (size: number, data?: Buffer): TarEntry => ({
    path: 'usr/bin/tool',
    type: 'file',
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: 0,
    size,
    ...(data ? { content: contentOf(data, 3) } : {}),
  });
  const rejects = async (e: TarEntry, re: RegExp) =>
    assert.rejects(collect(writeTar([e])), (err: unknown) => {
      assert.ok(err instanceof PithError);
      assert.equal(err.code, 'CONTENT_SIZE_CHANGED');
      assert.equal(err.kind, 'io');
      assert.match(err.message, /usr\/bin\/tool/);
      assert.match(err.message, re);
      return true;
    });

  test('fewer bytes than size', () => rejects(file(10, Buffer.alloc(9)), /fewer/));
  test('more bytes than size', () => rejects(file(10, Buffer.alloc(11)), /more/));
  test('no content for a non-empty file', () => rejects(file(1), /fewer/));
  test('an empty file needs no content', async () =>
    assert.equal((await collect(writeTar([file(0)]))).length, 1536));
});

describe('writeTar streaming', () => {
  test('large chunks pass through without a copy', async () => {
    const big = Buffer.alloc(1 << 20, 7);
    const e: TarEntry = {
      path: 'f',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      size: big.length,
      content: async function* () {
        yield big;
      },
    };
    const seen: Buffer[] = [];
    for await (const c of writeTar([e])) seen.push(c);
    assert.ok(seen.includes(big));
  });

  test('reused producer buffers are copied before the producer continues', async () => {
    const scratch = Buffer.alloc(100);
    const e: TarEntry = {
      path: 'f',
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      size: 300,
      content: async function* () {
        for (const v of [1, 2, 3]) yield scratch.fill(v);
      },
    };
    const out = await collect(writeTar([e]));
    assert.deepEqual([out[512], out[612], out[712]], [1, 2, 3]);
  });

  test('100 MiB serialises completely, big files and many small files (throughput reported only)', async (t) => {
    const chunk = Buffer.alloc(1 << 20, 1);
    const mk = (path: string, size: number, piece: Buffer): TarEntry => ({
      path,
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      size,
      content: async function* () {
        for (let left = size; left > 0; left -= piece.length)
          yield piece.subarray(0, Math.min(left, piece.length));
      },
    });
    const big = Array.from({ length: 10 }, (_, i) => mk(`big/${i}`, 10 << 20, chunk));
    const small = Array.from({ length: 10_000 }, (_, i) =>
      mk(`small/${String(i).padStart(5, '0')}`, 10_000 + (i % 500), chunk),
    );
    for (const [label, set] of [
      ['big', big],
      ['small', small],
    ] as const) {
      const t0 = performance.now();
      let n = 0;
      for await (const c of writeTar(set)) n += c.length;
      const mbps = n / 1e6 / ((performance.now() - t0) / 1000);
      t.diagnostic(`writeTar ${label} files: ${(n / 2 ** 20).toFixed(0)} MiB at ${mbps.toFixed(0)} MB/s`);
      // one 512-byte header per entry, contents padded to 512, two zero blocks at the end
      const expected = set.reduce((sum, e) => sum + 512 + Math.ceil(e.size / 512) * 512, 0) + 1024;
      assert.ok(n >= expected && n % 512 === 0, `${label}: ${n} bytes, at least ${expected} expected`);
    }
  });
});
