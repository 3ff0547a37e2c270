// buildDeb (test support): its packages are accepted by dpkg-deb --info/--field/--contents/--extract for
// every compression it writes, readDeb(buildDeb(x)) gives x back, and the output is deterministic.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type BuildDebOptions, buildDeb, readAr, readDeb } from '../../src/deb-archive/index.ts';
import type { TarEntry } from '../../src/tar/index.ts';
import { asListed, CONTROL, chunks, collect, infoScripts, parseContents, run, tempDir } from './helpers.ts';

const LONG = `usr/share/${'x'.repeat(90)}/${'y'.repeat(80)}.txt`;
const BYTES = new Map<string, Buffer>([
  ['usr/bin/tool', createHash('sha512').update('seed').digest().subarray(0, 64).fill(7, 10, 20)],
  ['usr/bin/suid', Buffer.from('#!/bin/sh\necho hi\n')],
  ['etc/app.conf', Buffer.from('a = 1\n')],
  ['home/user/notes', Buffer.from('private\n')],
  ['usr/share/empty', Buffer.alloc(0)],
  ['usr/share/ünï code.txt', Buffer.from('ü\n')],
  [LONG, Buffer.alloc(3000, 'z')],
]);

function files(): TarEntry[] {
  const base = { uid: 0, gid: 0, mtime: 1_700_000_000, size: 0 };
  const file = (path: string, mode = 0o644, extra: Partial<TarEntry> = {}): TarEntry => {
    const data = BYTES.get(path)!;
    return {
      ...base,
      path,
      type: 'file',
      mode,
      size: data.length,
      content: () => chunks(data, 10),
      ...extra,
    };
  };
  return [
    file('usr/bin/tool', 0o755),
    file('usr/bin/suid', 0o4755),
    { ...base, path: 'usr/bin/tool-hard', type: 'hardlink', mode: 0o755, linkTarget: 'usr/bin/tool' },
    { ...base, path: 'usr/bin/link', type: 'symlink', mode: 0o777, linkTarget: 'tool' },
    { ...base, path: 'var/lib/private', type: 'dir', mode: 0o750 },
    file('etc/app.conf'),
    { ...base, path: 'home/user', type: 'dir', mode: 0o700, uid: 1000, gid: 1000 },
    file('home/user/notes', 0o600, { uid: 1000, gid: 1000 }),
    file('usr/share/empty'),
    file('usr/share/ünï code.txt'),
    file(LONG),
  ];
}

/** The input entries with the parent directories buildDeb adds, as readDeb returns them. */
const PATHS = [
  ...['', 'usr', 'usr/bin', 'usr/bin/tool', 'usr/bin/suid', 'usr/bin/tool-hard', 'usr/bin/link', 'var'],
  ...['var/lib', 'var/lib/private', 'etc', 'etc/app.conf', 'home', 'home/user', 'home/user/notes'],
  ...['usr/share', 'usr/share/empty', 'usr/share/ünï code.txt', LONG.slice(0, 100), LONG],
];

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('buildDeb', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  const marker = join(tmp.dir, 'SHOULD-NOT-EXIST');
  const opts = (compression: 'gzip' | 'zstd' | 'none'): BuildDebOptions => ({
    control: CONTROL,
    files: files(),
    scripts: { postinst: `#!/bin/sh\ntouch '${marker}'\n`, prerm: '#!/bin/sh\nexit 0\n' },
    conffiles: ['/etc/app.conf'],
    compression,
  });

  for (const [z, ext] of [
    ['gzip', '.gz'],
    ['zstd', '.zst'],
    ['none', ''],
  ] as const) {
    test(`${z}: dpkg-deb accepts it (--info, --field, --contents, --extract) and readDeb round-trips`, async () => {
      const bytes = await buildDeb(opts(z));
      const deb = join(tmp.dir, `built-${z}.deb`);
      writeFileSync(deb, bytes);
      const names = [];
      for await (const m of readAr(chunks(bytes), deb)) names.push(m.name);
      assert.deepEqual(names, ['debian-binary', `control.tar${ext}`, `data.tar${ext}`]);

      const info = run('dpkg-deb', ['--info', deb]);
      assert.match(info, /new Debian package, version 2\.0/);
      assert.deepEqual(infoScripts(info), ['postinst', 'prerm']);
      assert.equal(run('dpkg-deb', ['--info', deb, 'control']), CONTROL);
      assert.equal(run('dpkg-deb', ['--field', deb, 'Version']), '1.2-3\n');

      const got = await readDeb(chunks(bytes, 999), deb);
      assert.deepEqual(
        got.entries.map((e) => e.path),
        PATHS,
      );
      assert.deepEqual(asListed(got.entries, String), parseContents(run('dpkg-deb', ['--contents', deb])));
      for (const e of got.entries)
        if (e.type === 'file') assert.ok(e.data.equals(BYTES.get(e.path)!), e.path);
      assertControl(got.control);
      assertExtracted(deb, join(tmp.dir, `extract-${z}`));
      assert.equal(existsSync(marker), false, 'a maintainer script was executed');
    });
  }

  test('the same options give the same bytes', async () => {
    for (const z of ['gzip', 'zstd', 'none'] as const) {
      assert.ok((await buildDeb(opts(z))).equals(await buildDeb(opts(z))), z);
    }
  });

  test('defaults: gzip, md5sums, no conffiles or scripts; md5sums can be left out', async () => {
    const bare = await readDeb(chunks(await buildDeb({ control: CONTROL, files: files() })), 'bare.deb');
    assert.deepEqual([bare.control.scripts, bare.control.conffiles], [[], []]);
    assert.equal(bare.control.md5sums.size, BYTES.size);
    const noSums = await buildDeb({ control: CONTROL, files: files(), md5sums: false });
    assert.equal((await readDeb(chunks(noSums), 'x.deb')).control.md5sums.size, 0);
    const names = [];
    for await (const m of readAr(chunks(noSums), 'x.deb')) names.push(m.name, (await collect(m.body)).length);
    assert.equal(names[2], 'control.tar.gz');
  });
});

function assertControl(c: Awaited<ReturnType<typeof readDeb>>['control']): void {
  assert.equal(c.control, CONTROL);
  assert.deepEqual(c.md5sums, new Map([...BYTES].map(([p, b]) => [p, md5(b)])));
  assert.deepEqual(c.conffiles, ['/etc/app.conf']);
  assert.deepEqual(c.scripts, ['postinst', 'prerm']);
}

/** dpkg-deb --extract gives the same bytes, modes, links and owners. */
function assertExtracted(deb: string, dir: string): void {
  run('dpkg-deb', ['--extract', deb, dir]);
  for (const [path, bytes] of BYTES) assert.ok(readFileSync(join(dir, path)).equals(bytes), path);
  const mode = (p: string) => lstatSync(join(dir, p)).mode & 0o7777;
  assert.deepEqual(
    ['usr/bin/tool', 'usr/bin/suid', 'var/lib/private', 'home/user', 'home/user/notes'].map(mode),
    [0o755, 0o4755, 0o750, 0o700, 0o600],
  );
  assert.equal(readlinkSync(join(dir, 'usr/bin/link')), 'tool');
  const ino = (p: string) => lstatSync(join(dir, p)).ino;
  assert.equal(ino('usr/bin/tool-hard'), ino('usr/bin/tool'));
  assert.equal(readFileSync(join(dir, 'usr/share/ünï code.txt'), 'utf8'), 'ü\n');
}
