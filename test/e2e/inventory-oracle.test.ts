// What pith says is inside an image, checked against dpkg itself (issue 9, point 1): a Debian minbase root
// file system made by mmdebstrap from the host's mirror is imported with `pith import`, and pith's package
// list equals `dpkg-query --admindir … -W` on the same tree, name for name and version for version. For
// pith's own base and python3 images (distroless status.d, no status file) the oracle is dpkg-query over
// a status file made of the very status.d records, marked installed. And `pith scan` of that minbase tree
// (made from bookworm alone, without -updates and -security) lists exactly the packages apt would upgrade
// from bookworm-updates and bookworm-security, with the same versions (issue 9, point 6). `pith audit` of
// the same trees finds Debian's shells and package managers in minbase, none in pith's images, and no
// secret in any file of Debian's packages (issue 10, point 2's corpus).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ComparedImage, createPith, type ImageInventory } from '../../src/api/index.ts';
import { mirrorsFrom, readAptSources } from '../../src/apt-repo/index.ts';
import { run, pith as runPith, tempDir } from '../helpers.ts';
import { aptCandidates, aptRoot } from './apt-oracle.ts';
import { CACHE_DIR } from './helpers.ts';

const pith = createPith({ cacheDir: CACHE_DIR });

/** `NAME VERSION ARCH` lines of the packages dpkg-query reports installed in `admindir`, sorted. */
async function dpkgQuery(admindir: string): Promise<string[]> {
  const r = await run('dpkg-query', [
    `--admindir=${admindir}`,
    '-W',
    '-f=${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n',
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('ii'))
    .map((l) => l.split('\t').slice(1).join(' '))
    .sort();
}

function pithList(img: ImageInventory): string[] {
  return img.packages.map((p) => `${p.name} ${p.version} ${p.architecture}`).sort();
}

describe('inventory against dpkg', { timeout: 600_000 }, () => {
  let dir: string;
  let tarball: string;
  before(async () => {
    const mirrors = mirrorsFrom(await readAptSources());
    assert.ok(mirrors.archive, 'the host has a Debian mirror in its apt sources');
    dir = await mkdtemp(join(tmpdir(), 'pith-minbase-'));
    tarball = join(dir, 'minbase.tar');
    const made = await run('mmdebstrap', [
      '--quiet',
      '--variant=minbase',
      '--architectures=amd64',
      'bookworm',
      tarball,
      `deb ${mirrors.archive} bookworm main`,
    ]);
    assert.equal(made.code, 0, made.stderr);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('an mmdebstrap minbase bookworm tree, imported: the same packages as dpkg-query', async () => {
    const imported = await pith.import({
      rootfs: tarball,
      output: `oci:${join(dir, 'image')}`,
      platform: 'linux/amd64',
    });
    const inv = await pith.inventory(`oci:${join(dir, 'image')}`);
    assert.equal(inv.digest, imported.digest);
    const img = inv.images[0]!;
    assert.equal(img.os?.id, 'debian');
    assert.equal(img.os?.versionCodename, 'bookworm');
    const tree = join(dir, 'tree');
    await mkdir(tree);
    const x = await run('tar', ['-C', tree, '-xf', tarball]);
    assert.equal(x.code, 0, x.stderr);
    const oracle = await dpkgQuery(join(tree, 'var', 'lib', 'dpkg'));
    assert.ok(oracle.length > 80, `${oracle.length} packages`);
    assert.deepEqual(pithList(img), oracle);
    // every package owns files that are present, from its info/*.list
    const libc = img.packages.find((p) => p.name === 'libc6');
    assert.ok(libc && libc.files.includes('usr/lib/x86_64-linux-gnu/libc.so.6'));
    // the same tarball imports to the same digest
    const again = await pith.import({
      rootfs: tarball,
      output: `oci:${join(dir, 'again')}`,
      platform: 'linux/amd64',
    });
    assert.equal(again.digest, imported.digest);

    // pith audit of the same tree: Debian's shells and package managers, and no secret in Debian's files
    const audit = (await pith.audit(`oci:${join(dir, 'image')}`)).images[0]!;
    for (const shell of ['/usr/bin/bash', '/usr/bin/dash', '/usr/bin/sh'])
      assert.ok(audit.shells.includes(shell), `${shell} in ${audit.shells.join(' ')}`);
    for (const manager of ['/usr/bin/apt-get', '/usr/bin/dpkg'])
      assert.ok(audit.packageManagers.includes(manager), `${manager} in ${audit.packageManagers.join(' ')}`);
    assert.equal(audit.packages, oracle.length);
    assert.deepEqual(
      audit.findings.filter((f) => f.id.startsWith('PITH-S')),
      [],
      'no secret findings in the files of Debian packages',
    );
  });

  it('pith compare: minbase has a shell and apt, pith base none, base:debug busybox; counts as dpkg-query', async (t) => {
    const work = await tempDir(t);
    const minbase = `oci:${join(work, 'minbase')}`;
    await pith.import({ rootfs: tarball, output: minbase, platform: 'linux/amd64' });
    const builds = [
      ['base', 'latest'],
      ['base', 'debug'],
      ['static', 'latest'],
    ] as const;
    const refs = [minbase];
    for (const [preset, variant] of builds) {
      const out = `oci:${join(work, `${preset}-${variant}`)}`;
      await pith.build({ preset, variant, archs: ['amd64'], output: out });
      refs.push(out);
    }
    const json = await runPith(['compare', ...refs, '--json', '-q', '--cache-dir', CACHE_DIR]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { images: ComparedImage[] };
    const [mm, base, debug, stat] = report.images;
    const tree = join(work, 'tree');
    await mkdir(tree);
    assert.equal((await run('tar', ['-C', tree, '-xf', tarball])).code, 0);
    assert.equal(mm!.packages, (await dpkgQuery(join(tree, 'var', 'lib', 'dpkg'))).length);
    assert.ok(mm!.shells.includes('/usr/bin/bash') && mm!.packageManagers.includes('/usr/bin/apt-get'));
    assert.deepEqual([base!.shells, base!.packageManagers], [[], []]);
    assert.ok(
      debug!.shells.includes('/busybox/sh') && debug!.shells.includes('/busybox/busybox'),
      debug!.shells.join(' '),
    );
    // Debian's busybox carries dpkg and rpm applets: links to busybox, which can install packages
    assert.ok(
      debug!.packageManagers.length > 0 && debug!.packageManagers.every((p) => p.startsWith('/busybox/')),
    );
    assert.deepEqual([stat!.shells, stat!.packageManagers], [[], []]);
    assert.ok(stat!.packages < base!.packages && base!.packages < mm!.packages);
    assert.ok(stat!.compressedSize < base!.compressedSize && base!.compressedSize < mm!.compressedSize);
    for (const img of report.images) assert.equal(img.vulnerabilities, undefined, 'no feed, no CVE column');
    // the Markdown table, ready to paste
    const md = await runPith(['compare', ...refs, '-q', '--cache-dir', CACHE_DIR]);
    assert.equal(md.code, 0, md.stderr);
    const lines = md.stdout.trim().split('\n');
    assert.equal(
      lines[0],
      '| image | packages | shell | package manager | user | compressed | uncompressed | layers | findings (H/M/L) |',
    );
    assert.equal(lines.length, 2 + refs.length);
    assert.match(
      lines[2]!,
      /^\| `oci:[^`]+minbase` \| \d+ \| yes \(\d+\) \| yes \(apt, apt-get.*\) \| root \|/,
    );
    assert.match(lines[3]!, /\| no \| no \| root \|/);
  });

  it('pith scan of that tree lists what apt would upgrade from bookworm-updates and -security', async (t) => {
    const work = await tempDir(t);
    await pith.import({ rootfs: tarball, output: `oci:${join(work, 'image')}`, platform: 'linux/amd64' });
    const report = await pith.scan({ reference: `oci:${join(work, 'image')}` });
    const img = report.images[0]!;
    assert.equal(img.suite, 'bookworm');
    assert.equal(img.skipped, undefined);
    const installed = (await pith.inventory(`oci:${join(work, 'image')}`)).images[0]!.packages;
    const apt = await aptCandidates(
      await aptRoot(join(work, 'apt'), 'bookworm'),
      installed.map((p) => p.name),
    );
    const expected = installed
      .filter((p) => {
        const c = apt.get(p.name);
        return c !== undefined && c.version !== p.version;
      })
      .map((p) => `${p.name} ${p.version} → ${apt.get(p.name)!.version}`)
      .sort();
    const ours = img.updates.map((u) => `${u.name} ${u.installed} → ${u.available}`).sort();
    assert.deepEqual(ours, expected);
    // a point release of bookworm has had security and stable updates since: the check is not empty
    assert.ok(ours.length > 0, 'bookworm-updates or -security has updated some minbase package');
    for (const u of img.updates) assert.match(u.origin, /^bookworm(-updates|-security)\/main$/);
  });

  for (const preset of ['base', 'python3'] as const) {
    it(`pith's ${preset} image (status.d): the same packages as dpkg-query over those records`, async (t) => {
      const dir = await tempDir(t);
      const layout = `oci:${join(dir, 'image')}`;
      const built = await pith.build({ preset, archs: ['amd64'], output: layout });
      const img = (await pith.inventory(layout)).images[0]!;
      // pith audit: no shell, no package manager, and no secret in the files of Debian's packages
      const audit = (await pith.audit(layout)).images[0]!;
      assert.deepEqual([audit.shells, audit.packageManagers], [[], []]);
      assert.deepEqual(
        audit.findings.filter((f) => f.id.startsWith('PITH-S')),
        [],
      );
      assert.deepEqual(
        pithList(img),
        built.debian![0]!.packages.map((p) => `${p.name} ${p.version} ${p.architecture}`).sort(),
        'the packages pith installed',
      );
      // dpkg reads the status.d records pith wrote, once they are gathered into a status file
      const tree = join(dir, 'tree');
      await mkdir(tree);
      const blobs = join(dir, 'image', 'blobs', 'sha256');
      for (const layer of await readdir(blobs)) await run('tar', ['-C', tree, '-xzf', join(blobs, layer)]);
      const statusD = join(tree, 'var', 'lib', 'dpkg', 'status.d');
      const records: string[] = [];
      for (const name of (await readdir(statusD)).filter((n) => !n.endsWith('.md5sums')).sort())
        records.push(
          `Status: install ok installed\n${(await readFile(join(statusD, name), 'utf8')).trim()}\n`,
        );
      const admindir = join(dir, 'admindir');
      await mkdir(join(admindir, 'info'), { recursive: true });
      await writeFile(join(admindir, 'status'), `${records.join('\n')}`);
      assert.deepEqual(pithList(img), await dpkgQuery(admindir));
      assert.ok(img.os?.debianVersion);
      // pith keeps each package's copyright and leaves its other documentation out: the inventory says which
      const libc = img.packages.find((p) => p.name === 'libc6')!;
      assert.ok(libc.files.includes('usr/share/doc/libc6/copyright'));
      assert.ok(
        libc.absent?.some((p) => p.startsWith('usr/share/doc/libc6/')),
        'documentation left out',
      );
      assert.ok(!libc.absent?.some((p) => p.startsWith('usr/lib/')), 'no library left out');
    });
  }
});
