// Files over merged /usr: a path under a lower layer's directory symlink (/bin → usr/bin) is written
// through it, as GNU tar extracts into an existing directory symlink, instead of a directory entry that
// would replace the link; hard links follow their targets; an explicit directory keeps its path; with no
// lower symlink on the way the tree is returned as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throughLowerLinks } from '../../src/assemble/through-links.ts';
import { FileTree, type TreeNode } from '../../src/tar/index.ts';

const root = { uid: 0, gid: 0, mtime: 0, size: 0 };
const dir = (mode = 0o755): TreeNode => ({ type: 'dir', mode, ...root });
const link = (target: string): TreeNode => ({ type: 'symlink', mode: 0o777, ...root, linkTarget: target });
const file = (): TreeNode => ({
  type: 'file',
  mode: 0o755,
  ...root,
  size: 1,
  content: async function* () {
    yield Buffer.from('x');
  },
});

function lowerTree(): FileTree {
  const t = new FileTree();
  t.add('usr', dir());
  t.add('usr/bin', dir());
  t.add('usr/lib', dir());
  t.add('bin', link('usr/bin'));
  t.add('lib', link('/usr/lib'));
  t.add('sbin', link('usr/sbin'));
  return t;
}

test('paths under lower directory symlinks are written through them; hard links follow', () => {
  const files = new FileTree();
  files.add('bin/tool', file());
  files.add('bin/tool2', { type: 'hardlink', mode: 0o755, ...root, linkTarget: 'bin/tool' });
  files.add('lib/x86_64-linux-gnu/libx.so.1', file());
  files.add('etc/app.conf', file());
  files.add('sbin', dir(0o700));
  files.add('sbin/daemon', file());
  const out = throughLowerLinks(files, [lowerTree()]);
  assert.deepEqual(
    out.entries().map((e) => [e.path, e.type, e.linkTarget ?? '']),
    [
      ['etc', 'dir', ''],
      ['etc/app.conf', 'file', ''],
      ['sbin', 'dir', ''],
      ['sbin/daemon', 'file', ''],
      ['usr', 'dir', ''],
      ['usr/bin', 'dir', ''],
      ['usr/bin/tool', 'file', ''],
      ['usr/bin/tool2', 'hardlink', 'usr/bin/tool'],
      ['usr/lib', 'dir', ''],
      ['usr/lib/x86_64-linux-gnu', 'dir', ''],
      ['usr/lib/x86_64-linux-gnu/libx.so.1', 'file', ''],
    ],
  );
});

test('nothing under a lower symlink: the same tree', () => {
  const files = new FileTree();
  files.add('app/server', file());
  assert.equal(throughLowerLinks(files, [lowerTree()]), files);
});
