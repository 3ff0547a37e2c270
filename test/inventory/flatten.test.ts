// The flattened file system of an image: layers applied in order with OCI whiteouts (image-spec layer.md),
// and dpkg's databases (status with info/*.list and Conffiles; distroless status.d with md5sums) read into
// packages that own their present files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryImage } from '../../src/inventory/index.ts';
import { layerFromEntries } from '../../src/layer/index.ts';
import { buildImage } from '../../src/oci/index.ts';
import { bytesEntry, dirEntry, symlinkEntry, type TarEntry } from '../../src/tar/index.ts';

const dir = dirEntry;
const file = (path: string, text = path) => bytesEntry(path, Buffer.from(text));
const link = symlinkEntry;
/** A file of `n` bytes. */
const sized = (path: string, n: number) => bytesEntry(path, Buffer.alloc(n, 1));

async function image(...layers: TarEntry[][]) {
  const built = [];
  for (const entries of layers)
    built.push(await layerFromEntries(entries, { epoch: 0, compression: 'gzip' }));
  return buildImage({ config: { architecture: 'amd64', os: 'linux', config: {} }, layers: built, epoch: 0 });
}

describe('flattening layers', () => {
  it('applies whiteouts and opaque directories to lower layers only, and keeps the writing layer', async () => {
    const img = await image(
      [dir('a'), file('a/1'), file('a/2'), dir('b'), file('b/x'), dir('b/sub'), file('b/sub/y'), file('c')],
      [file('a/.wh.1'), file('b/.wh..wh..opq'), file('b/new'), file('c', 'changed'), file('.wh.gone')],
      [dir('d'), file('d/z'), file('.wh.d'), file('a/1', 'back')],
    );
    const inv = await inventoryImage(img, { where: 'test' });
    const paths = inv.files.map((f) => `${f.path}@${f.layer}`);
    assert.deepEqual(paths, ['a@0', 'a/1@2', 'a/2@0', 'b@0', 'b/new@1', 'c@1']);
    const c = inv.files.find((f) => f.path === 'c');
    assert.equal(c?.size, 'changed'.length);
    assert.match(c?.sha256 ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(inv.unowned, ['a/1', 'a/2', 'b/new', 'c']);
  });

  it('a whiteout removes what lies below it when the directories between have no entries of their own', async () => {
    const img = await image([file('a/b/c/deep'), file('a/x'), file('keep')], [file('.wh.a', '')]);
    const inv = await inventoryImage(img, { where: 'test' });
    assert.deepEqual(
      inv.files.map((f) => f.path),
      ['keep'],
    );
  });

  it('ten thousand whiteouts over ten thousand files: each removes only its own', async () => {
    const n = 10_000;
    const files = Array.from({ length: n }, (_, i) => file(`d/f${i}`, ''));
    const outs = Array.from({ length: n }, (_, i) => file(i % 2 ? `d/.wh.f${i}` : `x${i}/.wh.none`, ''));
    const inv = await inventoryImage(await image(files, outs), { where: 'test' });
    assert.equal(inv.files.length, n / 2);
    assert.ok(inv.files.every((f) => Number(f.path.slice(3)) % 2 === 0));
  });

  it('a file over a directory hides the directory and everything in it', async () => {
    const img = await image([dir('x'), file('x/in')], [file('x', 'now a file')]);
    const inv = await inventoryImage(img, { where: 'test' });
    assert.deepEqual(
      inv.files.map((f) => `${f.path}:${f.type}`),
      ['x:file'],
    );
  });
});

describe('layer usage and waste', () => {
  it('wasted bytes of a crafted image equal the hand-computed values, ours and dive’s', async () => {
    const img = await image(
      [dir('app'), sized('app/big', 1000), sized('app/keep', 100), sized('app/cfg', 50)].concat([
        dir('cache'),
        sized('cache/a', 200),
        sized('cache/b', 300),
      ]),
      [sized('app/big', 400), file('.wh.cache', ''), sized('app/cfg', 60)],
      [file('app/.wh.keep', ''), sized('app/new', 10)],
    );
    const inv = await inventoryImage(img, { where: 'test' });
    // overwritten: big 1000, cfg 50; deleted: cache/a 200, cache/b 300, keep 100 — all shipped by layer 0
    assert.deepEqual(
      inv.layers.map((l) => [l.fileBytes, l.hiddenBytes]),
      [
        [1650, 1650],
        [460, 0],
        [10, 0],
      ],
    );
    assert.equal(inv.waste.reclaimableBytes, 1650);
    assert.deepEqual(
      inv.waste.paths.map((p) => `${p.path} ${p.copies} ${p.bytes}`),
      ['app/big 1 1000', 'cache/b 1 300', 'cache/a 1 200', 'app/keep 1 100', 'app/cfg 1 50'],
    );
    // dive: per non-directory path, Σ sizes over the layers touching it (a whiteout counts what it removed)
    // big 1000+400, keep 100+100, cfg 50+60 are touched twice: 1710 wasted; Σ min 1560 over Σ sum 2720
    assert.equal(inv.waste.diveWastedBytes, 1710);
    assert.equal(inv.waste.efficiency, 1560 / 2720);
    assert.equal(inv.waste.userWastedRatio, 1710 / 470);
  });

  it('one layer wastes nothing, and an empty image is fully efficient', async () => {
    const one = await inventoryImage(await image([sized('a', 5)]), { where: 'test' });
    assert.deepEqual(one.waste, {
      reclaimableBytes: 0,
      paths: [],
      efficiency: 1,
      diveWastedBytes: 0,
      userWastedRatio: 0,
    });
    const none = await inventoryImage(await image([]), { where: 'test' });
    assert.equal(none.waste.efficiency, 1);
  });
});

describe('package databases', () => {
  const status = [
    'Package: libc6',
    'Status: install ok installed',
    'Architecture: amd64',
    'Multi-Arch: same',
    'Source: glibc',
    'Version: 2.41-12',
    'Description: GNU C Library',
    ' more text',
    '',
    'Package: removed',
    'Status: deinstall ok config-files',
    'Architecture: amd64',
    'Version: 1.0',
    '',
    'Package: base-files',
    'Status: install ok installed',
    'Architecture: amd64',
    'Version: 13.8',
    'Conffiles:',
    ' /etc/issue 0123456789abcdef0123456789abcdef',
    ' /etc/gone 0123456789abcdef0123456789abcdef obsolete',
    '',
    'Package: zlib1g',
    'Status: install ok installed',
    'Architecture: amd64',
    'Source: zlib (1:1.3.dfsg-3)',
    'Version: 1:1.3.dfsg-3+b1',
    '',
  ].join('\n');

  it('dpkg status: installed packages only, source and version, files from info/*.list and Conffiles', async () => {
    const img = await image([
      file('var/lib/dpkg/status', status),
      file('var/lib/dpkg/info/libc6:amd64.list', '/.\n/usr\n/usr/lib/libc.so.6\n/usr/lib/missing\n'),
      file('var/lib/dpkg/info/base-files.list', '/etc\n/etc/debian_version\n'),
      file('usr/lib/libc.so.6'),
      file('etc/issue'),
      file('etc/debian_version', '13.8\n'),
      link('etc/os-release', '../usr/lib/os-release'),
      file(
        'usr/lib/os-release',
        'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n',
      ),
      file('usr/local/bin/app'),
    ]);
    const inv = await inventoryImage(img, { where: 'test' });
    assert.deepEqual(inv.os, {
      id: 'debian',
      versionId: '13',
      versionCodename: 'trixie',
      prettyName: 'Debian GNU/Linux 13 (trixie)',
      debianVersion: '13.8',
    });
    assert.deepEqual(
      inv.packages.map((p) => [p.name, p.version, p.architecture, p.source.name, p.source.version, p.files]),
      [
        ['base-files', '13.8', 'amd64', 'base-files', '13.8', ['etc/debian_version', 'etc/issue']],
        ['libc6', '2.41-12', 'amd64', 'glibc', '2.41-12', ['usr/lib/libc.so.6']],
        ['zlib1g', '1:1.3.dfsg-3+b1', 'amd64', 'zlib', '1:1.3.dfsg-3', []],
      ],
    );
    assert.equal(inv.packages[1]?.summary, 'GNU C Library');
    assert.ok(inv.unowned.includes('usr/local/bin/app'));
    assert.ok(!inv.unowned.includes('etc/issue'));
  });

  it("distroless status.d: one stanza a file, the files of its md5sums; a later layer's whiteout removes it", async () => {
    const img = await image(
      [
        file(
          'var/lib/dpkg/status.d/libssl3t64',
          'Package: libssl3t64\nVersion: 3.5.9-1\nArchitecture: amd64\nSource: openssl\n',
        ),
        file(
          'var/lib/dpkg/status.d/libssl3t64.md5sums',
          '0123456789abcdef0123456789abcdef  usr/lib/libssl.so.3\n0123456789abcdef0123456789abcdef  usr/share/doc/libssl3t64/changelog.gz\n',
        ),
        file('var/lib/dpkg/status.d/tzdata', 'Package: tzdata\nVersion: 2026f-0\nArchitecture: all\n'),
        file('usr/lib/libssl.so.3'),
      ],
      [file('var/lib/dpkg/status.d/.wh.tzdata')],
    );
    const inv = await inventoryImage(img, { where: 'test' });
    assert.deepEqual(
      inv.packages.map((p) => [p.name, p.database, p.recordPath, p.files, p.absent]),
      [
        [
          'libssl3t64',
          'dpkg-status.d',
          'var/lib/dpkg/status.d/libssl3t64',
          ['usr/lib/libssl.so.3'],
          ['usr/share/doc/libssl3t64/changelog.gz'],
        ],
      ],
    );
  });
});

describe('paths through symlinked parents', () => {
  it('a merged-/usr path dpkg lists (/lib/…) is found where the image holds it (usr/lib/…)', async () => {
    const img = await image([
      dir('usr'),
      dir('usr/lib'),
      file('usr/lib/libc.so.6'),
      link('lib', 'usr/lib'),
      dir('etc'),
      link('etc/alt', '/usr/lib'),
      link('loop', 'loop'),
      file(
        'var/lib/dpkg/status',
        'Package: libc6\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n',
      ),
      file(
        'var/lib/dpkg/info/libc6.list',
        '/lib/libc.so.6\n/etc/alt/libc.so.6\n/loop/x\n/lib/../../../usr/lib/libc.so.6\n',
      ),
    ]);
    const inv = await inventoryImage(img, { where: 'test' });
    assert.deepEqual(inv.packages[0]?.files, ['usr/lib/libc.so.6']);
    assert.ok(!inv.unowned.includes('usr/lib/libc.so.6'));
  });
});
