// `files:` tarballs against GNU tar, the oracle of the format: archives GNU tar wrote (gzip, xz, zstd; a
// `-C dir .` one whose ./ counts as a component) unpacked by pith give the names, modes, symlink targets
// and hard links of `tar -tv` and exactly the tree `tar -xpf --strip-components=N` extracts (include and
// exclude given to GNU tar as member names and --exclude); the image's files layer, read back with
// Python's tarfile, holds the same. URLs come from a server on 127.0.0.1; a wrong sha256 is refused before
// anything is unpacked or cached; --offline works from the cache; hostile members (made with Python's
// tarfile) are refused naming the entry; the lock records each tarball and a --locked build checks it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ContentCache } from '../../src/apt-repo/index.ts';
import { addContentEntry } from '../../src/assemble/host-files.ts';
import { checkLockedTarballs, lockedTarballs } from '../../src/assemble/tarball-lock.ts';
import type { DownloadOptions } from '../../src/assemble/tarball-source.ts';
import { hostArch, type LoadedConfig, parseConfig } from '../../src/config/index.ts';
import { type Lock, parseLock } from '../../src/lockfile/index.ts';
import { FileTree } from '../../src/tar/index.ts';
import { sha256 } from '../../src/util/index.ts';
import { assertRefused, buildInProcess, filesLayer } from './files-helpers.ts';

const MTIME = 1_700_000_000;

/** What GNU tar writes from: modes, a setuid file, hard links, relative and absolute symlinks. */
const FIXTURE = `
  mkdir -p src/pkg/bin src/pkg/lib src/pkg/share/doc src/pkg/etc
  printf '#!/bin/sh\\necho tool\\n' > src/pkg/bin/tool && chmod 0755 src/pkg/bin/tool
  ln src/pkg/bin/tool src/pkg/bin/tool-hard
  printf 'suid' > src/pkg/bin/suid && chmod 4755 src/pkg/bin/suid
  printf 'lib' > src/pkg/lib/libx.so.1 && ln -s libx.so.1 src/pkg/lib/libx.so
  ln -s /etc/ssl/certs src/pkg/etc/certs
  printf 'readme' > src/pkg/share/doc/README && chmod 0600 src/pkg/share/doc/README
  printf 'notes' > src/pkg/share/doc/NOTES.txt
  chmod 0750 src/pkg/share
  find src -exec touch -h -d @${MTIME} {} +
  T="tar --owner=1234 --group=5678 --format=gnu --sort=name"
  $T -czf pkg.tgz -C src pkg
  $T -cJf pkg.txz -C src pkg
  $T --zstd -cf pkg.tzst -C src pkg
  $T -cjf pkg.tbz2 -C src pkg
  $T -czf dot.tgz -C src/pkg .
  ln -s /etc/hostname outside.tgz
`;

let dir: string;
let server: Server;
let base: string;
let hits = 0;

function sh(script: string, cwd = dir): string {
  return execFileSync('sh', ['-euc', script], { cwd, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
}

function hashOf(file: string): string {
  return sha256(readFileSync(join(dir, file))).slice('sha256:'.length);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pith-tarball-'));
  sh(FIXTURE);
  server = createServer((req, res) => {
    hits++;
    const name = (req.url ?? '/').slice(1);
    try {
      const body = readFileSync(join(dir, name));
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A config of one `files` entry (YAML lines below `- `), loaded as from dir/pith.yaml. */
function load(entry: string): LoadedConfig {
  return parseConfig(`files:\n  - ${entry.trim().split('\n').join('\n    ')}\n`, join(dir, 'pith.yaml'));
}

function download(cacheDir: string, offline = false): DownloadOptions {
  return { cache: new ContentCache(cacheDir), offline };
}

/** The files tree of a loaded config, as the build makes it. */
async function unpack(loaded: LoadedConfig, dl?: DownloadOptions): Promise<FileTree> {
  const tree = new FileTree();
  const ctx = { tree, baseDir: dir, context: dir, arch: hostArch(), where: loaded.where, download: dl };
  for (const [i, e] of (loaded.config.files ?? []).entries()) await addContentEntry(ctx, e, i);
  return tree;
}

function entryFor(file: string, extra = ''): string {
  return `tarball: ${file}\nsha256: ${hashOf(file.replace(/^https?:\/\/[^/]+\//, ''))}\ndst: /opt/pkg\n${extra}`;
}

/** One file system object: the same shape for pith's tree, GNU tar's extraction and Python's listing. */
interface Item {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  target?: string;
  data?: string;
}

/** The tree below /opt/pkg, hard links shown as the file they link to (which `links` records). */
async function treeItems(tree: FileTree): Promise<{ items: Map<string, Item>; links: Map<string, string> }> {
  const items = new Map<string, Item>();
  const links = new Map<string, string>();
  const entries = tree.entries();
  for (const e of entries) {
    if (!e.path.startsWith('opt/pkg/')) continue;
    const rel = e.path.slice('opt/pkg/'.length);
    if (e.type === 'hardlink') {
      links.set(rel, e.linkTarget!.slice('opt/pkg/'.length));
      const file = entries.find((f) => f.path === e.linkTarget)!;
      items.set(rel, { type: 'file', mode: e.mode, data: await contentOf(file.content!) });
    } else if (e.type === 'file')
      items.set(rel, { type: 'file', mode: e.mode, data: await contentOf(e.content!) });
    else if (e.type === 'symlink') items.set(rel, { type: 'symlink', mode: 0o777, target: e.linkTarget! });
    else items.set(rel, { type: 'dir', mode: e.mode });
  }
  return { items, links };
}

async function contentOf(content: () => AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of content()) parts.push(c);
  return Buffer.concat(parts).toString('hex');
}

/** What `tar -xpf archive --strip-components=N args` extracts, and which paths share an inode. */
function gnuExtract(archive: string, strip: number, args: string[] = []) {
  const out = mkdtempSync(join(tmpdir(), 'pith-gnu-'));
  try {
    execFileSync('tar', ['-xpf', join(dir, archive), '-C', out, `--strip-components=${strip}`, ...args]);
    const items = new Map<string, Item>();
    const inodes = new Map<number, string[]>();
    const walk = (rel: string) => {
      for (const name of readdirSync(join(out, rel)).sort()) {
        const r = rel === '' ? name : `${rel}/${name}`;
        const st = lstatSync(join(out, r));
        if (st.isSymbolicLink())
          items.set(r, { type: 'symlink', mode: 0o777, target: readlinkSync(join(out, r)) });
        else if (st.isDirectory()) {
          items.set(r, { type: 'dir', mode: st.mode & 0o7777 });
          walk(r);
        } else {
          items.set(r, {
            type: 'file',
            mode: st.mode & 0o7777,
            data: readFileSync(join(out, r)).toString('hex'),
          });
          inodes.set(st.ino, [...(inodes.get(st.ino) ?? []), r]);
        }
      }
    };
    walk('');
    return { items, groups: [...inodes.values()].filter((g) => g.length > 1).map((g) => g.sort()) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function sorted<T>(m: Map<string, T>): [string, T][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Asserts pith's tree below /opt/pkg is what GNU tar extracts, hard links included. */
async function assertSameAsGnu(tree: FileTree, archive: string, strip: number, args: string[] = []) {
  const ours = await treeItems(tree);
  const gnu = gnuExtract(archive, strip, args);
  assert.deepEqual(sorted(ours.items), sorted(gnu.items));
  const groups = [...ours.links].map(([a, b]) => [a, b].sort());
  assert.deepEqual(groups.sort(), gnu.groups.sort());
}

/** `ls -l`-style mode text of a member, as `tar -tv` prints it. */
function modeText(type: string, mode: number): string {
  const kind = { dir: 'd', symlink: 'l', hardlink: 'h', file: '-' }[type] ?? '?';
  const rwx = (m: number, special: boolean, s: string) =>
    `${m & 4 ? 'r' : '-'}${m & 2 ? 'w' : '-'}${special ? (m & 1 ? s : s.toUpperCase()) : m & 1 ? 'x' : '-'}`;
  return (
    kind +
    rwx(mode >> 6, (mode & 0o4000) !== 0, 's') +
    rwx(mode >> 3, (mode & 0o2000) !== 0, 's') +
    rwx(mode, (mode & 0o1000) !== 0, 't')
  );
}

describe('files: tarball, against GNU tar', () => {
  it('modes, symlinks and hard links are those `tar -tvzf` lists, below dst with stripComponents', async () => {
    const tree = await unpack(load(entryFor('pkg.tgz', 'stripComponents: 1')));
    const ours = tree
      .entries()
      .filter((e) => e.path.startsWith('opt/pkg/'))
      .map((e) => {
        const name = `pkg/${e.path.slice('opt/pkg/'.length)}${e.type === 'dir' ? '/' : ''}`;
        const link =
          e.type === 'symlink'
            ? ` -> ${e.linkTarget}`
            : e.type === 'hardlink'
              ? ` link to pkg/${e.linkTarget!.slice('opt/pkg/'.length)}`
              : '';
        return `${modeText(e.type, e.mode)} ${name}${link}`;
      });
    const listed = sh('tar -tvzf pkg.tgz')
      .trim()
      .split('\n')
      .filter((l) => !/ pkg\/$/.test(l))
      .map((l) => l.replace(/^(\S+)\s+\S+\s+\d+\s+\S+\s+\S+\s+/, '$1 '));
    assert.deepEqual(ours.sort(), listed.sort());
  });

  it('the tree is what `tar -xpf --strip-components=1` extracts (gzip, xz, zstd)', async () => {
    for (const archive of ['pkg.tgz', 'pkg.txz', 'pkg.tzst']) {
      const tree = await unpack(load(entryFor(archive, 'stripComponents: 1')));
      await assertSameAsGnu(tree, archive, 1);
    }
  });

  it('without stripComponents, and with a leading ./ counted as a component as GNU tar does', async () => {
    await assertSameAsGnu(await unpack(load(entryFor('pkg.tgz'))), 'pkg.tgz', 0);
    const dot = await unpack(load(entryFor('dot.tgz', 'stripComponents: 1')));
    await assertSameAsGnu(dot, 'dot.tgz', 1);
    assert.ok(dot.has('opt/pkg/bin/tool'), 'the ./ is the stripped component, not bin/');
    await assertSameAsGnu(await unpack(load(entryFor('pkg.tgz', 'stripComponents: 2'))), 'pkg.tgz', 2);
  });

  it('include and exclude keep what GNU tar extracts given the same members and --exclude', async () => {
    const tree = await unpack(
      load(
        entryFor(
          'pkg.tgz',
          'stripComponents: 1\ninclude: [bin, "lib/*.so*", share]\nexclude: ["share/doc/*.txt", bin/suid]',
        ),
      ),
    );
    await assertSameAsGnu(tree, 'pkg.tgz', 1, [
      '--wildcards',
      '--exclude=pkg/share/doc/*.txt',
      '--exclude=pkg/bin/suid',
      'pkg/bin',
      'pkg/lib/*.so*',
      'pkg/share',
    ]);
    assert.ok(!tree.has('opt/pkg/etc'));
    assert.ok(tree.has('opt/pkg/share/doc/README'));
  });

  it('every member gets the entry owner (default 0:0), not the archive owner 1234:5678', async () => {
    const root = await unpack(load(entryFor('pkg.tgz', 'stripComponents: 1')));
    const nonroot = await unpack(load(entryFor('pkg.tgz', 'stripComponents: 1\nowner: nonroot')));
    const owners = (t: FileTree) =>
      new Set(
        t
          .entries()
          .filter((e) => e.path.startsWith('opt/pkg/'))
          .map((e) => `${e.uid}:${e.gid}`),
      );
    assert.deepEqual([...owners(root)], ['0:0']);
    assert.deepEqual([...owners(nonroot)], ['65532:65532']);
    assert.equal(root.get('opt/pkg/bin/tool')!.mtime, MTIME);
  });

  it("the image's files layer, read with Python's tarfile, holds what GNU tar extracts", async () => {
    const build = mkdtempSync(join(tmpdir(), 'pith-tarball-build-'));
    try {
      execFileSync('cp', [join(dir, 'pkg.tgz'), build]);
      const yaml = `accounts: false\nfiles:\n  - ${entryFor('pkg.tgz', 'stripComponents: 1').trim().split('\n').join('\n    ')}\n`;
      execFileSync('sh', ['-c', 'cat > pith.yaml'], { cwd: build, input: yaml });
      await buildInProcess(build);
      const members = await filesLayer(join(build, 'out'));
      const items = new Map<string, Item>();
      const links: string[][] = [];
      for (const m of members.filter((x) => x.name.startsWith('opt/pkg/'))) {
        const rel = m.name.slice('opt/pkg/'.length);
        if (m.type === '5') items.set(rel, { type: 'dir', mode: m.mode });
        else if (m.type === '2') items.set(rel, { type: 'symlink', mode: 0o777, target: m.linkname });
        else if (m.type === '1') {
          const file = members.find((f) => f.name === m.linkname)!;
          items.set(rel, { type: 'file', mode: m.mode, data: file.data! });
          links.push([rel, m.linkname.slice('opt/pkg/'.length)].sort());
        } else items.set(rel, { type: 'file', mode: m.mode, data: m.data! });
      }
      const gnu = gnuExtract('pkg.tgz', 1);
      assert.deepEqual(sorted(items), sorted(gnu.items));
      assert.deepEqual(links, gnu.groups);
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  });
});

describe('files: tarball from a URL', () => {
  it('is downloaded once, cached by sha256, and read from the cache --offline', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'pith-tarball-cache-'));
    try {
      const loaded = load(entryFor(`${base}/pkg.txz`, 'stripComponents: 1'));
      const before = hits;
      await assertSameAsGnu(await unpack(loaded, download(cache)), 'pkg.txz', 1);
      await assertSameAsGnu(await unpack(loaded, download(cache)), 'pkg.txz', 1);
      await assertSameAsGnu(await unpack(loaded, download(cache, true)), 'pkg.txz', 1);
      assert.equal(hits - before, 1, 'one download');
      assert.deepEqual(readdirSync(join(cache, 'sha256')), [hashOf('pkg.txz')]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('--offline with an empty cache is refused, naming the field and the URL', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'pith-tarball-cache-'));
    try {
      const before = hits;
      await assertRefused(
        unpack(load(entryFor(`${base}/pkg.tgz`)), download(cache, true)),
        'input',
        new RegExp(
          `pith\\.yaml:2:14: files\\[0\\]\\.tarball: --offline: ${base}/pkg\\.tgz \\(sha256 [0-9a-f]{64}\\) is not in the download cache`,
        ),
      );
      assert.equal(hits, before);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('a wrong sha256 is refused naming the field, both hashes; nothing is cached or unpacked', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'pith-tarball-cache-'));
    try {
      const wrong = 'ab'.repeat(32);
      const tree = new FileTree();
      const loaded = load(`tarball: ${base}/pkg.tgz\nsha256: ${wrong.toUpperCase()}\ndst: /opt/pkg`);
      const ctx = { tree, baseDir: dir, arch: hostArch(), where: loaded.where, download: download(cache) };
      const err = await assertRefused(
        addContentEntry(ctx, loaded.config.files![0]!, 0),
        'invalid',
        new RegExp(
          `^${dir}/pith\\.yaml:3:13: files\\[0\\]\\.sha256: ${base}/pkg\\.tgz has sha256 ${hashOf('pkg.tgz')}, but ${wrong} is expected; refusing it \\(nothing was unpacked\\)$`,
        ),
      );
      assert.equal(err.code, 'TARBALL_MISMATCH');
      assert.equal(tree.size, 0);
      assert.deepEqual(readdirSync(cache), []);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('a URL that is not there is one FETCH_FAILED line at the field', async () => {
    await assertRefused(
      unpack(
        load(`tarball: ${base}/missing.tgz\nsha256: ${'0'.repeat(64)}\ndst: /x`),
        download(join(dir, 'c')),
      ),
      'io',
      /files\[0\]\.tarball: GET http:\/\/127\.0\.0\.1:\d+\/missing\.tgz: not there \(HTTP 404\)$/,
    );
  });
});

/** Writes each named tar (made by Python's tarfile from its members), gzip-compressed, into dir. */
function pythonTars(tars: Record<string, object[]>): void {
  const py = `
import io, json, os, sys, tarfile
for name, members in json.loads(sys.argv[2]).items():
  with tarfile.open(os.path.join(sys.argv[1], name), 'w:gz', format=tarfile.GNU_FORMAT) as tf:
    for m in members:
        ti = tarfile.TarInfo(m['name'])
        ti.type = m.get('type', '0').encode()
        ti.linkname = m.get('link', '')
        ti.mode = 0o644
        data = m.get('data', '').encode()
        if m.get('size') is not None:
            ti.size = m['size']
            tf.fileobj.write(ti.tobuf(tarfile.GNU_FORMAT, tf.encoding, tf.errors))
            break
        ti.size = len(data) if ti.type == b'0' else 0
        tf.addfile(ti, io.BytesIO(data) if ti.type == b'0' else None)
`;
  execFileSync('python3', ['-c', py, dir, JSON.stringify(tars)]);
}

describe('files: tarball refuses hostile members, naming the entry', () => {
  const cases: [string, object[], string, RegExp][] = [
    [
      'abs.tgz',
      [{ name: '/etc/passwd', data: 'x' }],
      'TARBALL_MEMBER_REFUSED',
      /member \/etc\/passwd is an absolute name/,
    ],
    [
      'dotdot.tgz',
      [{ name: 'pkg/../../etc/passwd', data: 'x' }],
      'TARBALL_MEMBER_REFUSED',
      /member pkg\/\.\.\/\.\.\/etc\/passwd has a \.\. component/,
    ],
    [
      'hardout.tgz',
      [{ name: 'pkg/h', type: '1', link: '../etc/shadow' }],
      'TARBALL_MEMBER_REFUSED',
      /member pkg\/h links to \.\.\/etc\/shadow, which has a \.\. component/,
    ],
    [
      'hardmissing.tgz',
      [{ name: 'pkg/h', type: '1', link: 'pkg/nothere' }],
      'TARBALL_MEMBER_REFUSED',
      /member h is a hard link to nothere, which is not a file kept from this tarball/,
    ],
    [
      'device.tgz',
      [{ name: 'pkg/null', type: '3' }],
      'TARBALL_MEMBER_REFUSED',
      /member pkg\/null is a character device; an image gets only files, directories and links/,
    ],
    [
      'through-link.tgz',
      [
        { name: 'pkg/etc', type: '2', link: '/etc' },
        { name: 'pkg/etc/passwd', data: 'x' },
      ],
      'NOT_A_DIRECTORY',
      /opt\/pkg\/etc is a symlink/,
    ],
    [
      'bomb.tgz',
      [{ name: 'pkg/big', size: 5 * 1024 ** 3 }],
      'TARBALL_TOO_LARGE',
      /holds more than 4 GiB of file data/,
    ],
  ];
  before(() => pythonTars(Object.fromEntries(cases.map(([file, members]) => [file, members]))));
  for (const [file, , code, message] of cases) {
    it(`${file}: ${code}`, async () => {
      const tree = new FileTree();
      const loaded = load(entryFor(file, 'stripComponents: 1'));
      const ctx = { tree, baseDir: dir, arch: hostArch(), where: loaded.where };
      const err = await assertRefused(
        addContentEntry(ctx, loaded.config.files![0]!, 0),
        code === 'NOT_A_DIRECTORY' ? 'input' : 'invalid',
        new RegExp(`^${dir}/pith\\.yaml:2:14: files\\[0\\]\\.tarball: .*${message.source}`),
      );
      assert.equal(err.code, code);
      if (code !== 'NOT_A_DIRECTORY') assert.equal(tree.size, 0, 'nothing added');
    });
  }

  it('a hard link to a member that exclude leaves out is refused', async () => {
    await assertRefused(
      unpack(load(entryFor('pkg.tgz', 'stripComponents: 1\nexclude: [bin/tool]'))),
      'invalid',
      /member bin\/tool-hard is a hard link to bin\/tool, which is not a file kept/,
    );
  });

  it('bzip2 is refused with what to use instead; a corrupt archive is one line at the field', async () => {
    await assertRefused(
      unpack(load(entryFor('pkg.tbz2'))),
      'input',
      /files\[0\]\.tarball: pkg\.tbz2 is bzip2-compressed, which pith does not read; use a \.tar\.gz, \.tar\.xz or \.tar\.zst/,
    );
    sh('head -c 300 pkg.tgz > cut.tgz');
    const err = await assertRefused(unpack(load(entryFor('cut.tgz'))), 'invalid', /files\[0\]\.tarball: /);
    assert.match(err.message, /cut\.tgz/);
  });

  it('a host tarball outside the build context is refused', async () => {
    await assertRefused(
      unpack(load(`tarball: outside.tgz\nsha256: ${'0'.repeat(64)}\ndst: /x`)),
      'input',
      /files\[0\]\.tarball: outside\.tgz is a symlink to \/etc\/hostname, outside the build context/,
    );
  });
});

describe('files: tarball in pith.lock.json', () => {
  it('lock records index, source, sha256 and size; a --locked build checks the sha256', async () => {
    const loaded = parseConfig(
      `files:\n  - dir: /x\n  - ${entryFor('pkg.tgz').trim().split('\n').join('\n    ')}\n`,
      join(dir, 'pith.yaml'),
    );
    const tarballs = await lockedTarballs(loaded, download(join(dir, 'lock-cache')));
    const size = readFileSync(join(dir, 'pkg.tgz')).length;
    assert.deepEqual(tarballs, [{ index: 1, source: 'pkg.tgz', sha256: hashOf('pkg.tgz'), size }]);
    const lock = parseLock(
      {
        lockfileVersion: 4,
        inputs: `sha256:${'0'.repeat(64)}`,
        suite: 'trixie',
        suites: [],
        archs: {},
        tarballs,
      },
      'pith.lock.json',
    );
    assert.deepEqual(lock.tarballs, tarballs);
    checkLockedTarballs(loaded, lock, 'pith.lock.json');
    const other: Lock = { ...lock, tarballs: [{ ...tarballs[0]!, sha256: 'cd'.repeat(32) }] };
    assert.throws(
      () => checkLockedTarballs(loaded, other, 'pith.lock.json'),
      (e: Error & { code?: string }) =>
        e.code === 'LOCK_STALE' &&
        new RegExp(
          `pith\\.yaml:4:13: files\\[1\\]\\.sha256: is ${hashOf('pkg.tgz')}, but pith\\.lock\\.json pins ${'cd'.repeat(32)}`,
        ).test(e.message),
    );
    const none: Lock = { ...lock, tarballs: [] };
    assert.throws(
      () => checkLockedTarballs(loaded, none, 'pith.lock.json'),
      /files\[1\]\.tarball: pith\.lock\.json pins no tarball pkg\.tgz; run pith lock again/,
    );
    assert.throws(
      () => checkLockedTarballs(parseConfig('files: []\n', join(dir, 'pith.yaml')), lock, 'pith.lock.json'),
      /pith\.lock\.json: pins the tarball pkg\.tgz \(files\[1\]\), which the config no longer has/,
    );
  });
});
