// pith audit on a root file system written by hand and imported (as another tool's would be): shells
// (busybox and its applet links), package managers, setuid and world-writable files, who it runs as
// (resolved against its /etc/passwd), and the findings' ids, layers and paths; and on an image whose
// config names a non-root user that /etc/passwd resolves.
import assert from 'node:assert/strict';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { tempDir } from '../helpers.ts';
import { importTree, writeTree } from '../rootfs-helpers.ts';

it('finds shells, package managers, setuid and world-writable files, and root', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'root');
  await writeTree(root, {
    'bin/bash': 'ELF',
    'bin/busybox': 'ELF',
    'usr/bin/apt-get': 'ELF',
    'usr/bin/pip3.11': '#!/usr/bin/python3',
    'usr/bin/passwd': 'ELF',
    'usr/share/doc/bash/sh': 'not a command: documentation',
    'etc/passwd':
      'root:x:0:0:root:/root:/bin/bash\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
    'etc/group': 'root:x:0:\nnonroot:x:65532:\n',
  });
  await symlink('busybox', join(root, 'bin/sh'));
  await chmod(join(root, 'usr/bin/passwd'), 0o4755);
  await mkdir(join(root, 'scratch'));
  await chmod(join(root, 'scratch'), 0o777);
  await mkdir(join(root, 'tmp'));
  await chmod(join(root, 'tmp'), 0o1777);
  const { pith, layout } = await importTree(dir, root);
  const [img] = (await pith.audit(layout)).images;
  assert.ok(img);
  assert.deepEqual(img.shells, ['/bin/bash', '/bin/busybox', '/bin/sh']);
  assert.deepEqual(img.packageManagers, ['/usr/bin/apt-get', '/usr/bin/pip3.11']);
  assert.deepEqual(img.user, { configured: '', uid: 0, gid: 0, name: 'root', root: true });
  assert.equal(img.caBundle, false);
  assert.equal(img.layers.length, 1);
  const rows = img.findings.map((f) => `${f.severity} ${f.id} ${f.path ?? '-'} ${f.layer ?? '-'}`);
  assert.deepEqual(rows, [
    'high PITH-A003 - -',
    'medium PITH-A001 /bin/bash 0',
    'medium PITH-A001 /bin/busybox 0',
    'medium PITH-A001 /bin/sh 0',
    'medium PITH-A002 /usr/bin/apt-get 0',
    'medium PITH-A002 /usr/bin/pip3.11 0',
    'medium PITH-A006 /usr/bin/passwd 0',
    'medium PITH-A007 /scratch 0',
    'info PITH-A009 - -',
    'info PITH-A010 - -',
  ]);
  assert.equal(img.findings.find((f) => f.id === 'PITH-A006')?.layerDigest, img.layers[0]?.digest);
});

it('resolves a named user against /etc/passwd, and flags one it cannot resolve', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'root');
  await writeTree(root, {
    'etc/passwd':
      'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
    'etc/group': 'root:x:0:\nnonroot:x:65532:\n',
  });
  const { pith, layout } = await importTree(dir, root);
  const { runAs } = await import('../../src/audit/index.ts');
  const inv = (await pith.inventory(layout)).images[0]!;
  assert.deepEqual(runAs('nonroot', inv.accounts, inv.groups), {
    configured: 'nonroot',
    uid: 65532,
    gid: 65532,
    name: 'nonroot',
    root: false,
  });
  assert.deepEqual(runAs('65532:nonroot', inv.accounts, inv.groups).gid, 65532);
  assert.deepEqual(runAs('app', inv.accounts, inv.groups), { configured: 'app', root: false });
  assert.equal(runAs('0:0', inv.accounts, inv.groups).root, true);
});
