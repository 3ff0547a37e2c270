// Ubuntu chisel's manifest: a zstd-compressed jsonwall (compressed by the zstd tool) in the layout
// chisel ≥ 1.0 writes (`../shared/briefs/analyzers.md` §6.2) gives each package with its version,
// architecture, the slices cut and the files of those slices the image holds; a dpkg status record of the
// same package (chisel-wrapper's) is one package, not two.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { run, tempDir } from '../helpers.ts';
import { importTree, writeTree } from '../rootfs-helpers.ts';

const WALL = [
  '{"jsonwall":"1.0","schema":"1.0","count":9}',
  '{"kind":"content","slice":"base-files_release-info","path":"/etc/os-release"}',
  '{"kind":"content","slice":"libc6_libs","path":"/usr/lib/x86_64-linux-gnu/libc.so.6"}',
  '{"kind":"package","name":"base-files","version":"13ubuntu10.1","sha256":"aa","arch":"amd64"}',
  '{"kind":"package","name":"libc6","version":"2.39-0ubuntu8.4","sha256":"bb","arch":"amd64"}',
  '{"kind":"path","path":"/etc/os-release","mode":"0644","slices":["base-files_release-info"],"sha256":"cc","size":10}',
  '{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/","mode":"0755","slices":["libc6_libs"]}',
  '{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libc.so.6","mode":"0755","slices":["libc6_libs"],"sha256":"dd","size":8}',
  '{"kind":"slice","name":"base-files_release-info"}',
  '{"kind":"slice","name":"libc6_libs"}',
  '',
].join('\n');

it('a chiselled root file system: packages, slices and files from manifest.wall', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'tree');
  const files: Record<string, string> = {
    'etc/os-release': 'ID=ubuntu\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\n',
    'usr/lib/x86_64-linux-gnu/libc.so.6': 'libc',
    'var/lib/chisel/manifest': WALL,
    'var/lib/dpkg/status':
      'Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 13ubuntu10.1\nDescription: x\n',
  };
  await writeTree(root, files);
  const z = await run('zstd', [
    '-q',
    '--rm',
    '-o',
    join(root, 'var/lib/chisel/manifest.wall'),
    join(root, 'var/lib/chisel/manifest'),
  ]);
  assert.equal(z.code, 0, z.stderr);
  const { pith, layout } = await importTree(dir, root);
  const img = (await pith.inventory(layout)).images[0]!;
  assert.deepEqual(
    img.packages.map((p) => [p.name, p.version, p.architecture, p.database, p.slices, p.files]),
    [
      ['base-files', '13ubuntu10.1', 'amd64', 'dpkg-status', ['base-files_release-info'], ['etc/os-release']],
      [
        'libc6',
        '2.39-0ubuntu8.4',
        'amd64',
        'chisel-manifest',
        ['libc6_libs'],
        ['usr/lib/x86_64-linux-gnu/libc.so.6'],
      ],
    ],
  );
  assert.ok(!img.unowned.includes('usr/lib/x86_64-linux-gnu/libc.so.6'));
});
