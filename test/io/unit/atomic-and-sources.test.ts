// Atomic file/directory writes (temp sibling + rename, cleaned up on failure) and the FileSource views of a
// directory and of a tar file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { link, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { dirSource, tarSource } from '../../../src/io/index.ts';
import { LIMITS } from '../../../src/oci/index.ts';
import { buildDirAtomic, PithError, tempSibling, writeFileAtomic } from '../../../src/util/index.ts';
import { tempDir } from '../../helpers.ts';
import { collect } from '../../oci/fixtures.ts';

describe('tempSibling', () => {
  it('is a hidden .NAME.pith-<hex>.tmp in the same directory, different each time', () => {
    const a = tempSibling('/some/dir/out.tar');
    const b = tempSibling('/some/dir/out.tar');
    assert.equal(dirname(a), '/some/dir');
    assert.match(basename(a), /^\.out\.tar\.pith-[0-9a-f]{12}\.tmp$/);
    assert.notEqual(a, b);
  });
});

describe('writeFileAtomic', { timeout: 10_000 }, () => {
  it('writes a buffer or a stream, creating parent directories, with the given mode', async (t) => {
    const dir = await tempDir(t);
    await writeFileAtomic(join(dir, 'a', 'b', 'one'), Buffer.from('one'));
    async function* parts() {
      yield Buffer.from('tw');
      yield Buffer.from('o');
    }
    await writeFileAtomic(join(dir, 'two'), parts(), { mode: 0o600 });
    assert.equal(await readFile(join(dir, 'a', 'b', 'one'), 'utf8'), 'one');
    assert.equal(await readFile(join(dir, 'two'), 'utf8'), 'two');
    assert.equal((await stat(join(dir, 'two'))).mode & 0o777, 0o600);
  });

  it('replaces an existing file', async (t) => {
    const file = join(await tempDir(t), 'f');
    await writeFile(file, 'old');
    await writeFileAtomic(file, Buffer.from('new'));
    assert.equal(await readFile(file, 'utf8'), 'new');
  });

  it('a failing stream keeps the old file and removes its temporary file', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'f');
    await writeFile(file, 'old');
    async function* failing() {
      yield Buffer.from('partial new content');
      throw new Error('source failed midway');
    }
    await assert.rejects(writeFileAtomic(file, failing()), /source failed midway/);
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['f']);
  });
});

describe('buildDirAtomic', { timeout: 10_000 }, () => {
  it('renames the filled directory into place', async (t) => {
    const parent = await tempDir(t);
    const dest = join(parent, 'out');
    await buildDirAtomic(dest, async (tmp) => {
      assert.notEqual(tmp, dest);
      await writeFile(join(tmp, 'x'), 'x');
      await assert.rejects(stat(dest), 'nothing is visible at dest while filling');
    });
    assert.deepEqual(await readdir(parent), ['out']);
    assert.equal(await readFile(join(dest, 'x'), 'utf8'), 'x');
  });

  it('a failing fill leaves neither the directory nor its temporary sibling', async (t) => {
    const parent = await tempDir(t);
    await assert.rejects(
      buildDirAtomic(join(parent, 'out'), async (tmp) => {
        await mkdir(join(tmp, 'deep', 'er'), { recursive: true });
        await writeFile(join(tmp, 'deep', 'er', 'f'), 'f');
        throw new Error('fill failed');
      }),
      /fill failed/,
    );
    assert.deepEqual(await readdir(parent), []);
  });
});

describe('dirSource', () => {
  it('reads, opens and sizes files; absent paths and directories are undefined', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'f'), 'hello');
    const src = dirSource(dir, 'oci:test');
    assert.equal(src.name, 'oci:test');
    assert.equal((await src.read('sub/f', LIMITS.configBytes))?.toString(), 'hello');
    assert.equal((await collect(src.open('sub/f') as AsyncIterable<Buffer>)).toString(), 'hello');
    assert.equal(await src.size('sub/f'), 5);
    assert.equal(await src.read('missing', LIMITS.configBytes), undefined);
    assert.equal(await src.size('missing'), undefined);
    assert.equal(await src.size('sub'), undefined);
  });
});

describe('tarSource', { timeout: 10_000 }, () => {
  it('reads members, empty members, hardlinks and ./ names', async (t) => {
    const dir = await tempDir(t);
    const content = join(dir, 'c');
    await mkdir(join(content, 'd'), { recursive: true });
    await writeFile(join(content, 'd', 'big'), Buffer.alloc(70_000, 7));
    await writeFile(join(content, 'empty'), '');
    await link(join(content, 'd', 'big'), join(content, 'hard'));
    const file = join(dir, 'x.tar');
    const r = spawnSync('tar', ['--sort=name', '-cf', file, '-C', content, '.'], {
      timeout: 30_000,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(spawnSync('tar', ['-tvf', file], { encoding: 'utf8' }).stdout, /hard link to/);

    const src = await tarSource(file, 'x.tar');
    assert.equal(src.name, 'x.tar');
    assert.deepEqual(await src.read('d/big', LIMITS.configBytes), Buffer.alloc(70_000, 7));
    assert.deepEqual(await src.read('./d/big', LIMITS.configBytes), Buffer.alloc(70_000, 7));
    assert.equal(await src.size('d/big'), 70_000);
    assert.deepEqual(await src.read('empty', LIMITS.configBytes), Buffer.alloc(0));
    assert.equal(await src.size('empty'), 0);
    const hardTarget = (await src.read('d/big', LIMITS.configBytes))!;
    assert.deepEqual(await src.read('hard', LIMITS.configBytes), hardTarget);
    assert.equal(await src.read('missing', LIMITS.configBytes), undefined);
    assert.equal(await src.size('d'), undefined, 'directories are not members');
    assert.throws(
      () => src.open('missing'),
      (err: unknown) => err instanceof PithError && err.code === 'MISSING_MEMBER',
    );
  });
});
