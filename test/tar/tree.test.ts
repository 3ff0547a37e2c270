// FileTree: path normalisation, implicit parents, the collision rules (implicit dir replaced, identical dir
// no-op, everything else DUPLICATE_PATH with both origins), NOT_A_DIRECTORY, BAD_HARDLINK, bytewise sorting
// and hardlink-group normalisation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FileTree, nameFromBytes, nameToBytes, type TreeNode } from '../../src/tar/index.ts';
import { PithError } from '../../src/util/index.ts';

const dir = (extra: Partial<TreeNode> = {}): TreeNode => ({
  type: 'dir',
  mode: 0o755,
  uid: 0,
  gid: 0,
  mtime: 5,
  size: 0,
  ...extra,
});
const file = (text: string, extra: Partial<TreeNode> = {}): TreeNode => ({
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: 5,
  size: Buffer.byteLength(text),
  content: async function* () {
    yield Buffer.from(text);
  },
  ...extra,
});
const link = (target: string, extra: Partial<TreeNode> = {}): TreeNode => ({
  ...file(''),
  type: 'hardlink',
  size: 0,
  linkTarget: target,
  content: undefined,
  ...extra,
});

function throwsCode(fn: () => void, code: string, message?: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PithError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.kind, 'input');
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('FileTree.add', () => {
  test('normalises paths and creates implicit parents', () => {
    const t = new FileTree();
    t.add('/usr//bin/./env', file('x', { mtime: 42, origin: 'pith.yaml:3:1' }));
    assert.equal(t.size, 3);
    assert.ok(t.has('usr/bin/env') && t.has('./usr/bin/env') && t.has('/usr/bin/'));
    const parent = t.get('usr/bin')!;
    assert.equal(parent.implicit, true);
    assert.deepEqual(
      [parent.type, parent.mode, parent.uid, parent.gid, parent.mtime],
      ['dir', 0o755, 0, 0, 42],
    );
    const env = t.get('usr/bin/env')!;
    assert.equal(env.path, 'usr/bin/env');
    assert.equal(env.implicit, false);
    assert.equal(env.origin, 'pith.yaml:3:1');
    assert.equal(t.get('../etc'), undefined);
    assert.equal(t.has(''), false);
  });

  test('refuses the root and traversal', () => {
    const t = new FileTree();
    throwsCode(() => t.add('/', dir()), 'BAD_PATH');
    throwsCode(() => t.add('a/../..', dir()), 'PATH_TRAVERSAL');
    assert.equal(t.size, 0);
  });

  test('a dir replaces an implicit dir', () => {
    const t = new FileTree();
    t.add('etc/passwd', file('root'));
    t.add('etc', dir({ mode: 0o700, uid: 1, origin: 'o2' }));
    const etc = t.get('etc')!;
    assert.deepEqual([etc.implicit, etc.mode, etc.uid, etc.origin], [false, 0o700, 1, 'o2']);
    assert.equal(t.size, 2);
  });

  test('a dir identical to an explicit dir is a no-op; a different one is DUPLICATE_PATH', () => {
    const t = new FileTree();
    t.add('var', dir({ origin: 'a.yaml:1', xattrs: new Map([['user.x', Buffer.from([0, 255])]]) }));
    t.add('/var/', dir({ origin: 'b.yaml:2', xattrs: new Map([['user.x', Buffer.from([0, 255])]]) }));
    assert.equal(t.get('var')!.origin, 'a.yaml:1');
    throwsCode(
      () => t.add('var', dir({ mode: 0o700, origin: 'c.yaml:3' })),
      'DUPLICATE_PATH',
      /var.*c\.yaml:3.*a\.yaml:1/,
    );
    throwsCode(
      () => t.add('var', dir({ origin: 'd', xattrs: new Map([['user.x', Buffer.from([0, 254])]]) })),
      'DUPLICATE_PATH',
    );
  });

  test('any other collision is DUPLICATE_PATH naming both origins', () => {
    const t = new FileTree();
    t.add('bin/sh', file('a', { origin: 'first:1' }));
    throwsCode(
      () => t.add('/bin/sh', file('a', { origin: 'second:2' })),
      'DUPLICATE_PATH',
      /bin\/sh.*second:2.*first:1/,
    );
    throwsCode(
      () => t.add('bin', file('x', { origin: 'third:3' })),
      'DUPLICATE_PATH',
      /third:3.*implicit parent of bin\/sh/,
    );
    throwsCode(() => t.add('bin/sh', dir()), 'DUPLICATE_PATH');
  });

  test('a parent that is not a dir is NOT_A_DIRECTORY, and nothing is added', () => {
    const t = new FileTree();
    t.add('lib', {
      type: 'symlink',
      mode: 0o777,
      uid: 0,
      gid: 0,
      mtime: 0,
      size: 0,
      linkTarget: 'usr/lib',
      origin: 's',
    });
    t.add('f', file('x'));
    throwsCode(
      () => t.add('lib/x/y', file('y', { origin: 'o' })),
      'NOT_A_DIRECTORY',
      /lib\/x\/y.*lib is a symlink/,
    );
    throwsCode(() => t.add('f/g', file('y')), 'NOT_A_DIRECTORY');
    assert.equal(t.size, 2);
  });

  test('a hardlink must point at an existing file', () => {
    const t = new FileTree();
    t.add('d/f', file('x'));
    t.add('d/s', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 0, size: 0, linkTarget: 'f' });
    throwsCode(() => t.add('l1', link('nope')), 'BAD_HARDLINK', /nope/);
    throwsCode(() => t.add('l2', link('d')), 'BAD_HARDLINK', /dir/);
    throwsCode(() => t.add('l3', link('d/s')), 'BAD_HARDLINK', /symlink/);
    throwsCode(() => t.add('l4', link('../x')), 'BAD_HARDLINK');
    throwsCode(() => t.add('l5', { ...link(''), linkTarget: undefined }), 'BAD_HARDLINK');
    t.add('l6', link('/d/./f'));
    assert.equal(t.get('l6')!.linkTarget, 'd/f');
  });
});

describe('FileTree.entries', () => {
  test('sorted bytewise, parents first, root excluded', () => {
    const t = new FileTree();
    for (const p of ['b/z', 'a-b', 'a/b', 'a', 'é', '\u{1F600}', '\uFF5E', 'A']) {
      if (!t.has(p)) t.add(p, p === 'a' ? dir() : file(p));
    }
    assert.deepEqual(
      t.entries().map((e) => e.path),
      ['A', 'a', 'a-b', 'a/b', 'b', 'b/z', 'é', '\uFF5E', '\u{1F600}'],
    );
  });

  test('raw (non-UTF-8) names sort by their bytes too', () => {
    const t = new FileTree();
    const raw80 = nameFromBytes(Buffer.of(0x80)); // byte 0x80 sorts before F0 9F 98 80 (U+1F600)
    const rawFf = nameFromBytes(Buffer.of(0xff));
    for (const p of [rawFf, '\u{1F600}', raw80, 'é']) t.add(p, file(p));
    assert.deepEqual(
      t.entries().map((e) => nameToBytes(e.path).toString('hex')),
      ['80', 'c3a9', 'f09f9880', 'ff'],
    );
  });

  test('entries are plain TarEntries (no origin/implicit) with content passed through', async () => {
    const t = new FileTree();
    t.add('x/y', file('hey', { origin: 'o', devMajor: 9 }));
    const [x, y] = t.entries();
    assert.deepEqual(x, { path: 'x', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 5, size: 0 });
    assert.deepEqual(Object.keys(y!).sort(), [
      'content',
      'gid',
      'mode',
      'mtime',
      'path',
      'size',
      'type',
      'uid',
    ]);
    const parts: Buffer[] = [];
    for await (const c of y!.content!()) parts.push(c);
    assert.equal(Buffer.concat(parts).toString(), 'hey');
  });

  test('the hardlink member that sorts first carries the file', () => {
    const t = new FileTree();
    const xattrs = new Map([['security.capability', Buffer.from([1, 0, 0xff])]]);
    t.add('b/x', file('data', { mode: 0o4755, uid: 7, mtime: 9, xattrs }));
    t.add('a/z', link('b/x', { mode: 0o600 }));
    t.add('c/w', link('b/x'));
    const byPath = new Map(t.entries().map((e) => [e.path, e]));
    const az = byPath.get('a/z')!;
    assert.deepEqual(
      [az.type, az.size, az.mode, az.uid, az.mtime, az.xattrs],
      ['file', 4, 0o4755, 7, 9, xattrs],
    );
    assert.ok(az.content);
    for (const p of ['b/x', 'c/w']) {
      const e = byPath.get(p)!;
      assert.deepEqual(
        { ...e },
        { path: p, type: 'hardlink', mode: 0o4755, uid: 7, gid: 0, mtime: 9, size: 0, linkTarget: 'a/z' },
      );
    }
    assert.deepEqual(
      t.entries().map((e) => e.path),
      ['a', 'a/z', 'b', 'b/x', 'c', 'c/w'],
    );
  });

  test('a file whose links all sort after it stays as is', () => {
    const t = new FileTree();
    t.add('a', file('1'));
    t.add('b', link('a'));
    assert.deepEqual(
      t.entries().map((e) => [e.path, e.type, e.linkTarget]),
      [
        ['a', 'file', undefined],
        ['b', 'hardlink', 'a'],
      ],
    );
  });
});
