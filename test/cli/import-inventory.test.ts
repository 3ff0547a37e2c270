// `pith import` and `pith inventory` at the command line: a gzip root file system tarball another tool
// made becomes an image whose inventory names its OS, its dpkg packages and the files nobody owns; a
// tarball pith cannot read is refused with one line and nothing written.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { pith, run, tempDir } from '../helpers.ts';

it('a rootfs tarball imports, and its inventory names OS, packages and unowned files', async (t) => {
  const dir = await tempDir(t);
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'etc'), { recursive: true });
  await mkdir(join(tree, 'var/lib/dpkg/info'), { recursive: true });
  await mkdir(join(tree, 'usr/bin'), { recursive: true });
  await writeFile(join(tree, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
  await writeFile(join(tree, 'etc/debian_version'), '12.15\n');
  await writeFile(
    join(tree, 'var/lib/dpkg/status'),
    'Package: hello\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.10-3\nSource: hello-src (2.10-2)\n',
  );
  await writeFile(join(tree, 'var/lib/dpkg/info/hello.list'), '/usr\n/usr/bin\n/usr/bin/hello\n');
  await writeFile(join(tree, 'usr/bin/hello'), '#!hello\n');
  await writeFile(join(tree, 'usr/bin/stray'), 'nobody owns me\n');
  const tarball = join(dir, 'rootfs.tar.gz');
  assert.equal((await run('tar', ['-C', tree, '-czf', tarball, '.'])).code, 0);

  const imported = await pith([
    'import',
    tarball,
    '-o',
    `oci:${dir}/image`,
    '--platform',
    'linux/arm64',
    '--json',
  ]);
  assert.equal(imported.code, 0, imported.stderr);
  const report = JSON.parse(imported.stdout) as { digest: string; images: { platform: string }[] };
  assert.equal(report.images[0]?.platform, 'linux/arm64/v8');
  // the same tarball under another name, elsewhere: the same image
  await mkdir(join(dir, 'elsewhere'));
  await copyFile(tarball, join(dir, 'elsewhere', 'copy.tgz'));
  const again = await pith([
    'import',
    join(dir, 'elsewhere', 'copy.tgz'),
    '-o',
    `oci:${dir}/again`,
    '--platform',
    'linux/arm64',
    '--json',
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as { digest: string }).digest, report.digest);

  const listed = await pith(['inventory', `oci:${dir}/image`, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const inv = JSON.parse(listed.stdout) as {
    digest: string;
    images: {
      os: { id: string; versionCodename: string; debianVersion: string };
      packages: {
        name: string;
        version: string;
        source: { name: string; version: string };
        files: string[];
      }[];
      unowned: string[];
    }[];
  };
  const img = inv.images[0]!;
  assert.equal(inv.digest, report.digest);
  assert.deepEqual(img.os, {
    id: 'debian',
    versionId: '12',
    versionCodename: 'bookworm',
    debianVersion: '12.15',
  });
  assert.deepEqual(
    img.packages.map((p) => [p.name, p.version, p.source, p.files]),
    [['hello', '2.10-3', { name: 'hello-src', version: '2.10-2' }, ['usr/bin/hello']]],
  );
  assert.ok(img.unowned.includes('usr/bin/stray'));
  assert.ok(!img.unowned.includes('usr/bin/hello'));
  const table = await pith(['inventory', `oci:${dir}/image`, '-q']);
  assert.match(table.stdout, /^hello\s+2\.10-3\s+amd64\s+hello-src$/m);
});

it('an xz tarball, a directory and a missing file are refused with one line; nothing is written', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'x.tar.xz'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]));
  for (const [input, code, message] of [
    [join(dir, 'x.tar.xz'), 3, /xz-compressed tarballs are not supported/],
    [dir, 3, /is a directory, not a tarball/],
    [join(dir, 'none.tar'), 3, /no such file|ENOENT/i],
  ] as const) {
    const r = await pith(['import', input, '-o', `oci:${dir}/out`]);
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(existsSync(join(dir, 'out')), false);
  }
});
