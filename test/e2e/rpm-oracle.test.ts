// rpm's sqlite database: packages built with rpmbuild and installed with rpm (Debian's rpm 4.18, sqlite
// backend) into a root file system; pith's list of that tree equals `rpm -qa` on the same database —
// name, epoch, version, release, architecture, source rpm — and each package's files equal `rpm -ql`'s that
// the image holds. The database is read as rpm left it, write-ahead log included.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { osPackagePurl } from '../../src/sbom/index.ts';
import { run, tempDir } from '../helpers.ts';
import { importTree } from '../rootfs-helpers.ts';

function spec(name: string, opts: { epoch?: number; arch: string; files: Record<string, string> }): string {
  const install = Object.entries(opts.files).map(
    ([path, text]) => `mkdir -p %{buildroot}$(dirname ${path}) && echo ${text} > %{buildroot}${path}`,
  );
  return [
    `Name: ${name}`,
    ...(opts.epoch !== undefined ? [`Epoch: ${opts.epoch}`] : []),
    'Version: 1.4.0',
    'Release: 3.fc40',
    `Summary: ${name} for the test`,
    'License: MIT AND BSD-3-Clause',
    `BuildArch: ${opts.arch}`,
    '%description',
    name,
    '%install',
    ...install,
    '%files',
    ...Object.keys(opts.files),
    '',
  ].join('\n');
}

async function ok(cmd: string, args: string[], cwd?: string): Promise<string> {
  const r = await run(cmd, args, cwd ? { cwd } : {});
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

it('an rpm database: pith lists what rpm -qa lists, with the files of rpm -ql', async (t) => {
  const dir = await tempDir(t);
  const top = join(dir, 'rpmbuild');
  await mkdir(join(top, 'SPECS'), { recursive: true });
  const packages = {
    demo: spec('demo', { epoch: 2, arch: 'noarch', files: { '/usr/share/demo/hello.txt': 'hello' } }),
    'demo-libs': spec('demo-libs', {
      arch: 'x86_64',
      files: { '/usr/lib64/libdemo.so.1': 'lib', '/etc/demo.conf': 'c' },
    }),
  };
  for (const [name, text] of Object.entries(packages)) {
    await writeFile(join(top, 'SPECS', `${name}.spec`), text);
    await ok('rpmbuild', [
      '--define',
      `_topdir ${top}`,
      '--quiet',
      '-bb',
      join(top, 'SPECS', `${name}.spec`),
    ]);
  }
  const root = join(dir, 'root');
  const db = ['--root', root, '--dbpath', '/var/lib/rpm'];
  await ok('rpm', [...db, '--initdb']);
  const rpms = (await ok('find', [join(top, 'RPMS'), '-name', '*.rpm'])).trim().split('\n').sort();
  await ok('rpm', [...db, '-i', '--nodeps', '--ignoreos', '--ignorearch', ...rpms]);
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc/os-release'), 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n');
  const expected = (
    await ok('rpm', [...db, '-qa', '--qf', '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM}\\n'])
  )
    .trim()
    .split('\n')
    .map((l) => l.replace(' (none) ', ' - '))
    .sort();

  const { pith, layout } = await importTree(dir, root);
  const img = (await pith.inventory(layout)).images[0]!;
  const ours = img.packages
    .map((p) => {
      const m = /^(?:(\d+):)?(.*)-([^-]+)$/.exec(p.version)!;
      return `${p.name} ${m[1] ?? '-'} ${m[2]} ${m[3]} ${p.architecture} ${p.sourceRpm}`;
    })
    .sort();
  assert.deepEqual(ours, expected);
  for (const p of img.packages) {
    const listed = (await ok('rpm', [...db, '-ql', p.name]))
      .trim()
      .split('\n')
      .map((f) => f.replace(/^\//, ''));
    assert.deepEqual(
      p.files,
      listed.filter((f) => img.files.some((x) => x.path === f && x.type === 'file')).sort(),
      p.name,
    );
    assert.equal(p.database, 'rpm-sqlite');
  }
  const demo = img.packages.find((p) => p.name === 'demo')!;
  assert.equal(
    osPackagePurl(demo, img.os),
    'pkg:rpm/fedora/demo@1.4.0-3.fc40?arch=noarch&distro=fedora-40&epoch=2&upstream=demo-1.4.0-3.fc40.src.rpm',
  );
  assert.deepEqual(demo.licenses, [{ name: 'MIT AND BSD-3-Clause' }]);
});
