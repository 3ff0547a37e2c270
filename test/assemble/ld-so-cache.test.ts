// ld.so.cache generation checked against the real thing: each scenario is one root described once, written
// to disk (real files copied from this host's x86-64 libraries, symlinks recreated) and built as FileTrees;
// the host's `ldconfig -X -r ROOT` builds the reference cache. Our cache must list identically under
// `ldconfig -p` and be byte-identical (given the host ldconfig's generator string). Crafted ELF files cover
// the other architectures' flags and the files ldconfig skips.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { readElf } from '../../src/rootfs/elf.ts';
import { ldSoCache, libcmp } from '../../src/rootfs/ld-so-cache.ts';
import { FileTree } from '../../src/tar/index.ts';
import { run, tempDir } from '../helpers.ts';

const HOST_LIBS = '/usr/lib/x86_64-linux-gnu';
const LDCONFIG = ['/usr/sbin/ldconfig', '/sbin/ldconfig'].find((p) => existsSync(p));
const HOST_OK =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  LDCONFIG !== undefined &&
  existsSync(join(HOST_LIBS, 'libc.so.6'));
const skipHost = HOST_OK ? false : 'needs an x86-64 glibc host with ldconfig and /usr/lib/x86_64-linux-gnu';

/** One path of a test root: a copied host file, literal bytes, a symlink or an (empty) directory. */
type Spec =
  | { path: string; host: string }
  | { path: string; bytes: Buffer }
  | { path: string; symlink: string }
  | { path: string; dir: true };

async function writeRoot(root: string, specs: readonly Spec[]): Promise<void> {
  for (const s of specs) {
    const p = join(root, s.path);
    await mkdir('dir' in s ? p : dirname(p), { recursive: true });
    if ('host' in s) await writeFile(p, await readFile(s.host));
    else if ('bytes' in s) await writeFile(p, s.bytes);
    else if ('symlink' in s) await symlink(s.symlink, p);
  }
}

async function toTree(specs: readonly Spec[]): Promise<FileTree> {
  const tree = new FileTree();
  const base = { uid: 0, gid: 0, mtime: 0 };
  for (const s of specs) {
    if ('dir' in s) tree.add(s.path, { ...base, type: 'dir', mode: 0o755, size: 0 });
    else if ('symlink' in s)
      tree.add(s.path, { ...base, type: 'symlink', mode: 0o777, size: 0, linkTarget: s.symlink });
    else {
      const host = 'host' in s ? s.host : undefined;
      const size = host ? (await stat(host)).size : (s as { bytes: Buffer }).bytes.length;
      const content = async function* () {
        yield host ? await readFile(host) : (s as { bytes: Buffer }).bytes;
      };
      tree.add(s.path, { ...base, type: 'file', mode: 0o644, size, content });
    }
  }
  return tree;
}

/**
 * A host library under `dir` the way Debian ships it: the real file under its real name, plus (when that
 * differs from the soname) the soname symlink and optionally a dev `.so` symlink.
 */
async function hostLib(dir: string, soname: string, devLink?: string): Promise<Spec[]> {
  const real = basename(await realpath(join(HOST_LIBS, soname)));
  const specs: Spec[] = [{ path: `${dir}/${real}`, host: join(HOST_LIBS, real) }];
  if (real !== soname) specs.push({ path: `${dir}/${soname}`, symlink: real });
  if (devLink) specs.push({ path: `${dir}/${devLink}`, symlink: devLink.startsWith('/') ? devLink : real });
  return specs;
}

const text = (s: string) => Buffer.from(s);

async function runLdconfig(args: string[]): Promise<string> {
  const r = await run(LDCONFIG!, args, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `ldconfig ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** `ldconfig -p` of a cache file, with the file name in the first line neutralised. */
async function listing(file: string): Promise<string> {
  const out = await runLdconfig(['-p', '-C', file]);
  return out.replace(/^(\d+ libs found in cache `).*('\n)/, '$1CACHE$2');
}

/** Builds the root on disk, runs the real ldconfig and ours; returns both caches and listings. */
async function compare(t: TestContext, layers: readonly (readonly Spec[])[]) {
  const root = await tempDir(t, 'pith-ldso-');
  // The same overlay rules as image layers: a non-directory hides what was below it, and a path below a
  // non-directory turns that into a directory again.
  const merged = new Map<string, Spec>();
  for (const layer of layers)
    for (const s of layer) {
      for (let i = s.path.indexOf('/'); i > 0; i = s.path.indexOf('/', i + 1)) {
        const up = merged.get(s.path.slice(0, i));
        if (up && !('dir' in up)) merged.delete(up.path);
      }
      if (!('dir' in s)) for (const p of [...merged.keys()]) if (p.startsWith(`${s.path}/`)) merged.delete(p);
      merged.set(s.path, s);
    }
  await writeRoot(root, [...merged.values()]);
  await mkdir(join(root, 'etc'), { recursive: true });
  await runLdconfig(['-X', '-i', '-r', root, '-C', '/etc/ld.so.cache.real']);
  const realFile = join(root, 'etc/ld.so.cache.real');
  const real = await readFile(realFile);
  const realList = await listing(realFile);
  const generator = /^Cache generated by: (.*)$/m.exec(realList)?.[1];
  assert.ok(generator, `the host ldconfig writes a generator string:\n${realList}`);
  const trees = await Promise.all(layers.map(toTree));
  const ours = await ldSoCache(trees, 'amd64', { generator });
  const oursFile = join(root, 'etc/ld.so.cache.ours');
  await writeFile(oursFile, ours);
  return { real, ours, realList, oursList: await listing(oursFile), trees };
}

/** Lines of a listing, e.g. `libz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1`. */
const entries = (list: string) =>
  list
    .split('\n')
    .filter((l) => l.startsWith('\t'))
    .map((l) => l.trim());

const CONF_D = [
  { path: 'etc/ld.so.conf.d/libc.conf', bytes: text('# libc default configuration\n/usr/local/lib\n') },
  {
    path: 'etc/ld.so.conf.d/x86_64-linux-gnu.conf',
    bytes: text(
      '# Multiarch support\n/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n',
    ),
  },
];

/** Non-merged /usr with a full ld.so.conf, oddities included. */
async function classicRoot(): Promise<Spec[]> {
  const L = 'lib/x86_64-linux-gnu';
  const U = 'usr/lib/x86_64-linux-gnu';
  return [
    {
      path: 'etc/ld.so.conf',
      bytes: text(
        'include /etc/ld.so.conf.d/*.conf\n\n   # extra\n/opt/extra/lib/ # trailing slash\n/does/not/exist\n',
      ),
    },
    ...CONF_D,
    { path: 'etc/ld.so.conf.d/README', bytes: text('/opt/ignored\n') },
    { path: 'opt/ignored/libgcc_s.so.1', host: join(HOST_LIBS, 'libgcc_s.so.1') },
    { path: `${L}/libc.so.6`, host: join(HOST_LIBS, 'libc.so.6') },
    { path: `${L}/libm.so.6`, host: join(HOST_LIBS, 'libm.so.6') },
    { path: `${L}/ld-linux-x86-64.so.2`, host: join(HOST_LIBS, 'ld-linux-x86-64.so.2') },
    { path: 'lib64/ld-linux-x86-64.so.2', symlink: `/${L}/ld-linux-x86-64.so.2` },
    ...(await hostLib(L, 'libz.so.1')),
    // Another name for the same file: ldconfig counts it as a file with soname libz.so.1.
    { path: `${L}/libz.so.1.2`, symlink: 'libz.so.1' },
    // Linker script, text, too small, ELF without soname (implicit soname), a PIE executable (ET_DYN!).
    { path: `${U}/libc.so`, bytes: text('/* GNU ld script */\nGROUP ( /lib/x86_64-linux-gnu/libc.so.6 )\n') },
    { path: `${L}/libnotelf.so.1`, bytes: Buffer.alloc(4096, 'not an ELF file ') },
    { path: `${L}/libtiny.so.1`, bytes: Buffer.from('\x7fELF\x02\x01\x01', 'latin1') },
    { path: `${L}/libnosoname.so`, host: join(HOST_LIBS, 'gconv/UTF-16.so') },
    { path: `${L}/libpie.so.7`, host: '/usr/bin/true' },
    { path: `${L}/libdangling.so.1`, symlink: 'libmissing.so.1' },
    { path: `${L}/libdirlink.so`, symlink: '/usr' },
    { path: `${L}/libweird.so.d`, dir: true },
    { path: `${L}/notalib.so.1`, host: join(HOST_LIBS, 'libm.so.6') },
    ...(await hostLib(U, 'libssl.so.3', 'libssl.so')),
    ...(await hostLib(U, 'libcrypto.so.3', 'libcrypto.so')),
    ...(await hostLib(U, 'libffi.so.8', 'libffi.so')),
    ...(await hostLib(U, 'libstdc++.so.6')),
    // The same soname in a second directory, and a dev link pointing across directories (absolute).
    ...(await hostLib(U, 'libz.so.1')),
    { path: `${U}/libz.so`, symlink: `/${L}/${basename(await realpath(join(HOST_LIBS, 'libz.so.1')))}` },
    { path: 'usr/lib/libgcc_s.so.1', host: join(HOST_LIBS, 'libgcc_s.so.1') },
    { path: 'usr/local/lib', dir: true },
    // Only the real file: recorded under its soname (the link ldconfig would have made).
    { path: 'opt/extra/lib/libexpat.so.1.8.10', host: await realpath(join(HOST_LIBS, 'libexpat.so.1')) },
    { path: 'opt/extra/lib/libBrokenLocale.so.1', host: join(HOST_LIBS, 'libBrokenLocale.so.1') },
    { path: 'opt/extra/lib/libBrokenLocale.so', symlink: 'libBrokenLocale.so.1' },
  ];
}

/** Merged /usr as distroless ships it: no etc/ld.so.conf (libc-bin is not installed). */
async function mergedRoot(): Promise<Spec[]> {
  const U = 'usr/lib/x86_64-linux-gnu';
  return [
    { path: 'lib', symlink: 'usr/lib' },
    { path: 'lib64', symlink: 'usr/lib64' },
    { path: 'bin', symlink: 'usr/bin' },
    { path: 'usr/bin', dir: true },
    ...CONF_D,
    { path: `${U}/libc.so.6`, host: join(HOST_LIBS, 'libc.so.6') },
    { path: `${U}/libm.so.6`, host: join(HOST_LIBS, 'libm.so.6') },
    { path: `${U}/ld-linux-x86-64.so.2`, host: join(HOST_LIBS, 'ld-linux-x86-64.so.2') },
    { path: 'usr/lib64/ld-linux-x86-64.so.2', symlink: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
    ...(await hostLib(U, 'libz.so.1')),
    ...(await hostLib(U, 'libssl.so.3')),
    ...(await hostLib(U, 'libcrypto.so.3')),
    ...(await hostLib(U, 'libffi.so.8')),
    ...(await hostLib(U, 'libexpat.so.1')),
    ...(await hostLib(U, 'libzstd.so.1')),
    { path: 'usr/lib/libgcc_s.so.1', host: join(HOST_LIBS, 'libgcc_s.so.1') },
  ];
}

async function assertSame(t: TestContext, layers: readonly (readonly Spec[])[]) {
  const r = await compare(t, layers);
  assert.ok(entries(r.realList).length > 0, r.realList);
  assert.equal(r.oursList, r.realList);
  assert.ok(r.ours.equals(r.real), 'byte-identical to ldconfig');
  return r;
}

test('classic layout with ld.so.conf: same listing and bytes as ldconfig -r', {
  skip: skipHost,
}, async (t) => {
  const { realList } = await assertSame(t, [await classicRoot()]);
  const lines = entries(realList);
  // The scenario really exercises what it claims to (so a pass is not vacuous).
  assert.ok(lines.includes('libc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6'), realList);
  assert.ok(lines.includes('libexpat.so.1 (libc6,x86-64) => /opt/extra/lib/libexpat.so.1'), realList);
  assert.ok(
    lines.includes('libnosoname.so (libc6,x86-64) => /lib/x86_64-linux-gnu/libnosoname.so'),
    realList,
  );
  assert.equal(lines.filter((l) => l.startsWith('libz.so.1 ')).length, 2, realList);
  for (const skipped of [
    'libnotelf',
    'libtiny',
    'libdangling',
    'libdirlink',
    'libweird',
    'notalib',
    'ignored',
  ])
    assert.ok(!realList.includes(skipped), `${skipped} is not listed`);
});

test('merged /usr without ld.so.conf (distroless): same as ldconfig -r', { skip: skipHost }, async (t) => {
  const { realList } = await assertSame(t, [await mergedRoot()]);
  assert.ok(entries(realList).includes('libc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6'));
  assert.ok(entries(realList).includes('libgcc_s.so.1 (libc6,x86-64) => /lib/libgcc_s.so.1'));
});

test('merged /usr with ld.so.conf: same as ldconfig -r', { skip: skipHost }, async (t) => {
  const conf = { path: 'etc/ld.so.conf', bytes: text('include /etc/ld.so.conf.d/*.conf\n') };
  await assertSame(t, [[...(await mergedRoot()), conf]]);
});

test('later trees override earlier ones, like layers', { skip: skipHost }, async (t) => {
  const U = 'usr/lib/x86_64-linux-gnu';
  const upper: Spec[] = [
    // Replace libssl by a text file and add a library only the upper layer has.
    { path: `${U}/libssl.so.3`, bytes: text('gone\n') },
    { path: `${U}/libBrokenLocale.so.1`, host: join(HOST_LIBS, 'libBrokenLocale.so.1') },
    { path: 'etc/ld.so.conf', bytes: text('include /etc/ld.so.conf.d/*.conf\n') },
  ];
  const { realList } = await assertSame(t, [await mergedRoot(), upper]);
  assert.ok(!realList.includes('libssl.so.3'), realList);
  assert.ok(realList.includes('libBrokenLocale.so.1'), realList);
});

test('a directory replaced by a symlink, then re-created: nothing of the first one survives', {
  skip: skipHost,
}, async (t) => {
  const conf = { path: 'etc/ld.so.conf', bytes: text('/opt/extra/lib\ninclude /etc/ld.so.conf.d/*.conf\n') };
  const first: Spec[] = [
    ...(await mergedRoot()),
    conf,
    { path: 'opt/extra/lib/libexpat.so.1', host: await realpath(join(HOST_LIBS, 'libexpat.so.1')) },
  ];
  const second: Spec[] = [{ path: 'opt/extra/lib', symlink: '/usr/lib/x86_64-linux-gnu' }];
  const { realList } = await assertSame(t, [first, second]);
  // /opt/extra/lib comes first in ld.so.conf, so the multiarch directory is recorded under that spelling.
  assert.ok(entries(realList).includes('libc.so.6 (libc6,x86-64) => /opt/extra/lib/libc.so.6'), realList);
  const third: Spec[] = [
    { path: 'opt/extra/lib/libBrokenLocale.so.1', host: join(HOST_LIBS, 'libBrokenLocale.so.1') },
  ];
  const r = await assertSame(t, [first, second, third]);
  assert.ok(r.realList.includes('/opt/extra/lib/libBrokenLocale.so.1'), r.realList);
  assert.ok(!r.realList.includes('/opt/extra/lib/libexpat.so.1'), r.realList);
});

test('crafted i386 and x32 objects in an amd64 root: flags, dir types and dedup like ldconfig', {
  skip: skipHost,
}, async (t) => {
  const i386 = { class: 32, le: true, machine: 3 } as const;
  const D = 'lib/i386-linux-gnu';
  const elf = (path: string, c: Omit<Craft, 'class' | 'le' | 'machine'>, base: Craft = i386): Spec => ({
    path,
    bytes: craftElf({ ...base, ...c }),
  });
  await assertSame(t, [
    [
      { path: 'etc/ld.so.conf', bytes: text('/lib/i386-linux-gnu\n/opt/typed=libc6\n/opt/x32\n') },
      // Same soname three times: a link to an ELF-only file, that file, and a newer libc6 one.
      { path: `${D}/libx.so.1`, symlink: 'libx.so.1.0' },
      elf(`${D}/libx.so.1.0`, { soname: 'libx.so.1' }),
      elf(`${D}/libx.so.1.5`, { soname: 'libx.so.1', needed: ['libc.so.6'] }),
      elf(`${D}/liby.so.2`, { soname: 'liby.so.2', interp: '/lib/ld-linux.so.2' }),
      elf(`${D}/libelf.so.3`, { soname: 'libelf.so.3', needed: ['libfoo.so.1'] }),
      elf(`${D}/libexec.so.4`, { soname: 'libexec.so.4', type: 2 }),
      elf(`${D}/libia64.so.1`, { soname: 'libia64.so.1' }, { class: 64, le: true, machine: 50 }),
      elf(`${D}/libarm.so.1`, { soname: 'libarm.so.1' }, { class: 64, le: true, machine: 183 }),
      elf('opt/typed/libt.so.1', { soname: 'libt.so.1' }),
      elf('opt/x32/libx32.so.1', { soname: 'libx32.so.1' }, { class: 32, le: true, machine: 62 }),
      // One soname, two directories, two flags: the higher flag sorts first whatever the directory order.
      elf(`${D}/libq.so.1`, { soname: 'libq.so.1' }),
      elf('opt/x32/libq.so.1', { soname: 'libq.so.1' }, { class: 32, le: true, machine: 62 }),
    ],
  ]).then(({ realList }) => {
    const lines = entries(realList);
    assert.ok(lines.includes('libx.so.1 (libc6) => /lib/i386-linux-gnu/libx.so.1'), realList);
    assert.ok(lines.includes('libelf.so.3 (ELF) => /lib/i386-linux-gnu/libelf.so.3'), realList);
    assert.ok(lines.includes('libt.so.1 (libc6) => /opt/typed/libt.so.1'), realList);
    assert.ok(lines.includes('libx32.so.1 (libc6,x32) => /opt/x32/libx32.so.1'), realList);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('libq.so.1 ')),
      ['libq.so.1 (libc6,x32) => /opt/x32/libq.so.1', 'libq.so.1 (ELF) => /lib/i386-linux-gnu/libq.so.1'],
    );
    assert.equal(lines.length, 7, realList);
  });
});

test('determinism: same input, same bytes', { skip: skipHost }, async () => {
  const specs = await classicRoot();
  const a = await ldSoCache([await toTree(specs)], 'amd64');
  const b = await ldSoCache([await toTree([...specs].reverse())], 'amd64');
  assert.ok(a.equals(b));
  assert.ok(a.subarray(0, 20).equals(Buffer.from('glibc-ld.so.cache1.1')));
});

test('the default generator string names the image libc6', async () => {
  const tree = new FileTree();
  const status = text('Package: libc6\nVersion: 2.41-12+deb13u1\nArchitecture: amd64\n');
  tree.add('var/lib/dpkg/status.d/libc6', {
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtime: 0,
    size: status.length,
    content: async function* () {
      yield status;
    },
  });
  const cache = parseCache(await ldSoCache([tree], 'amd64'), true);
  assert.equal(cache.entries.length, 0);
  assert.equal(cache.generator, 'ldconfig (Debian GLIBC 2.41-12+deb13u1) stable release version 2.41');
  assert.equal(parseCache(await ldSoCache([], 'arm64'), true).generator, 'ldconfig (pith)');
});

// --- crafted ELF files for the other architectures -------------------------------------------------------

interface Craft {
  class: 32 | 64;
  le: boolean;
  machine: number;
  type?: number;
  flags?: number;
  soname?: string;
  needed?: string[];
  interp?: string;
  rpath?: string;
  runpath?: string;
}

/** A minimal ELF: header, PT_LOAD over the whole file, PT_INTERP, PT_DYNAMIC, dynamic section, strtab. */
function craftElf(c: Craft): Buffer {
  const is64 = c.class === 64;
  const ehsize = is64 ? 64 : 52;
  const phsize = is64 ? 56 : 32;
  const dynsize = is64 ? 16 : 8;
  const paths = [c.rpath, c.runpath].filter((p) => p !== undefined);
  const strs: string[] = ['', ...(c.needed ?? []), ...(c.soname ? [c.soname] : []), ...paths, c.interp ?? ''];
  const strOff: number[] = [];
  let strtab = Buffer.alloc(0);
  for (const s of strs) {
    strOff.push(strtab.length);
    strtab = Buffer.concat([strtab, Buffer.from(`${s}\0`, 'latin1')]);
  }
  const dyn: [number, number][] = [
    ...(c.needed ?? []).map((_, i): [number, number] => [1, strOff[1 + i]!]),
    ...(c.soname ? [[14, strOff[1 + (c.needed?.length ?? 0)]!] as [number, number]] : []),
    // DT_RPATH (15) and DT_RUNPATH (29), their strings after the soname's
    ...[c.rpath === undefined ? [] : [15], c.runpath === undefined ? [] : [29]]
      .flat()
      .map((tag, i): [number, number] => [tag, strOff[strs.length - 1 - paths.length + i]!]),
  ];
  const phnum = 3;
  const dynAt = ehsize + phnum * phsize;
  const dynLen = (dyn.length + 2) * dynsize; // + DT_STRTAB + DT_NULL
  const strAt = dynAt + dynLen;
  const total = strAt + strtab.length;
  const b = Buffer.alloc(Math.max(total, 256));
  const u16 = (v: number, at: number) => (c.le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (c.le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const word = (v: number, at: number) =>
    is64 ? (c.le ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at)) : u32(v, at);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = is64 ? 2 : 1;
  b[5] = c.le ? 1 : 2;
  b[6] = 1;
  u16(c.type ?? 3, 16);
  u16(c.machine, 18);
  u32(1, 20);
  word(ehsize, is64 ? 32 : 28); // e_phoff
  u32(c.flags ?? 0, is64 ? 48 : 36);
  u16(ehsize, is64 ? 52 : 40);
  u16(phsize, is64 ? 54 : 42);
  u16(phnum, is64 ? 56 : 44);
  const ph = (i: number, type: number, offset: number, filesz: number) => {
    const at = ehsize + i * phsize;
    u32(type, at);
    word(offset, at + (is64 ? 8 : 4)); // p_offset
    word(offset, at + (is64 ? 16 : 8)); // p_vaddr
    word(filesz, at + (is64 ? 32 : 16)); // p_filesz
  };
  ph(0, 1, 0, b.length); // PT_LOAD
  if (c.interp) ph(1, 3, strAt + strOff[strOff.length - 1]!, c.interp.length + 1);
  else ph(1, 6, 0, 0); // PT_PHDR-ish filler
  ph(2, 2, dynAt, dynLen); // PT_DYNAMIC
  [...dyn, [5, strAt] as [number, number]].forEach(([tag, val], i) => {
    word(tag, dynAt + i * dynsize);
    word(val, dynAt + i * dynsize + dynsize / 2);
  });
  strtab.copy(b, strAt);
  return b;
}

function craftTree(dir: string, files: Record<string, Buffer>): FileTree {
  const tree = new FileTree();
  for (const [name, bytes] of Object.entries(files)) {
    tree.add(`${dir}/${name}`, {
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      size: bytes.length,
      content: async function* () {
        yield bytes;
      },
    });
  }
  return tree;
}

/** Reads a new-format cache back, checking its structure. */
function parseCache(buf: Buffer, le: boolean) {
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  assert.equal(buf.toString('latin1', 0, 20), 'glibc-ld.so.cache1.1');
  const nlibs = u32(20);
  const lenStrings = u32(24);
  assert.equal(buf[28], le ? 2 : 3, 'endianness flag');
  const extOffset = u32(32);
  const strStart = 48 + nlibs * 24;
  assert.equal(extOffset % 4, 0);
  assert.equal(extOffset, (strStart + lenStrings + 3) & ~3);
  const cstr = (at: number) => {
    assert.ok(at >= strStart && at < strStart + lenStrings, 'string inside the table');
    return buf.toString('latin1', at, buf.indexOf(0, at));
  };
  const list = [];
  for (let i = 0; i < nlibs; i++) {
    const at = 48 + i * 24;
    assert.equal(u32(at + 12), 0, 'osversion');
    assert.equal(buf.readBigUInt64LE(at + 16), 0n, 'hwcap');
    list.push({ flags: u32(at), key: cstr(u32(at + 4)), value: cstr(u32(at + 8)) });
  }
  assert.equal(u32(extOffset), 0xeaa42174, 'extension magic');
  assert.equal(u32(extOffset + 4), 1);
  assert.equal(u32(extOffset + 8), 0, 'generator tag');
  const genAt = u32(extOffset + 16);
  const generator = buf.toString('utf8', genAt, genAt + u32(extOffset + 20));
  assert.equal(genAt + u32(extOffset + 20), buf.length);
  return { entries: list, generator };
}

test('arm64: AArch64 flag; non-ELF, ET_EXEC and foreign-endian files are skipped', async (t) => {
  const aarch64 = { class: 64, le: true, machine: 183 } as const;
  const tree = craftTree('usr/lib/aarch64-linux-gnu', {
    'libfoo.so.1': craftElf({ ...aarch64, soname: 'libfoo.so.1', needed: ['libc.so.6'] }),
    'libc.so.6': craftElf({ ...aarch64, soname: 'libc.so.6', interp: '/lib/ld-linux-aarch64.so.1' }),
    'libnoso.so.2': craftElf({ ...aarch64, needed: ['libc.so.6'] }),
    'libexec.so.1': craftElf({ ...aarch64, type: 2, soname: 'libexec.so.1' }),
    'libbe.so.1': craftElf({ ...aarch64, le: false, soname: 'libbe.so.1' }),
    'libtext.so.1': Buffer.alloc(512, 'text'),
  });
  const merged = new FileTree();
  merged.add('lib', {
    type: 'symlink',
    mode: 0o777,
    uid: 0,
    gid: 0,
    mtime: 0,
    size: 0,
    linkTarget: 'usr/lib',
  });
  const buf = await ldSoCache([merged, tree], 'arm64');
  const cache = parseCache(buf, true);
  assert.deepEqual(cache.entries, [
    { flags: 0x0a03, key: 'libnoso.so.2', value: '/lib/aarch64-linux-gnu/libnoso.so.2' },
    { flags: 0x0a03, key: 'libfoo.so.1', value: '/lib/aarch64-linux-gnu/libfoo.so.1' },
    { flags: 0x0a03, key: 'libc.so.6', value: '/lib/aarch64-linux-gnu/libc.so.6' },
  ]);
  if (HOST_OK) {
    // The host's ldconfig reads the file and prints the AArch64 flag.
    const file = join(await tempDir(t, 'pith-ldso-'), 'cache');
    await writeFile(file, buf);
    const out = await listing(file);
    assert.ok(out.includes('\tlibfoo.so.1 (libc6,AArch64) => /lib/aarch64-linux-gnu/libfoo.so.1\n'), out);
  }
  // The same files on amd64: wrong machine, nothing is listed.
  assert.equal(parseCache(await ldSoCache([merged, tree], 'amd64'), true).entries.length, 0);
});

test('armhf, riscv64, s390x, i386 flags', async () => {
  const flagsOf = async (arch: string, dir: string, c: Craft) => {
    const cache = parseCache(await ldSoCache([craftTree(dir, { 'libx.so.1': craftElf(c) })], arch), c.le);
    return cache.entries.map((e) => e.flags);
  };
  const arm = { class: 32, le: true, machine: 40, soname: 'libx.so.1' } as const;
  assert.deepEqual(
    await flagsOf('armhf', 'lib/arm-linux-gnueabihf', { ...arm, flags: 0x05000400 }),
    [0x0903],
  );
  assert.deepEqual(await flagsOf('armel', 'lib/arm-linux-gnueabi', { ...arm, flags: 0x05000200 }), [0x0b03]);
  const rv = { class: 64, le: true, machine: 243, soname: 'libx.so.1' } as const;
  assert.deepEqual(await flagsOf('riscv64', 'usr/lib/riscv64-linux-gnu', { ...rv, flags: 0x5 }), [0x1001]);
  assert.deepEqual(
    await flagsOf('riscv64', 'usr/lib/riscv64-linux-gnu', { ...rv, flags: 0x5, needed: ['libc.so.6'] }),
    [0x1003],
  );
  assert.deepEqual(await flagsOf('riscv64', 'usr/lib/riscv64-linux-gnu', { ...rv, flags: 0x3 }), []);
  const s390 = { class: 64, le: false, machine: 22, soname: 'libx.so.1' } as const;
  assert.deepEqual(await flagsOf('s390x', 'lib/s390x-linux-gnu', s390), [0x0403]);
  assert.deepEqual(await flagsOf('ppc64el', 'lib/powerpc64le-linux-gnu', { ...rv, machine: 21 }), [0x0503]);
  const x86 = { class: 32, le: true, machine: 3, soname: 'libx.so.1' } as const;
  assert.deepEqual(await flagsOf('i386', 'lib/i386-linux-gnu', x86), [0x0001]);
  assert.deepEqual(
    await flagsOf('i386', 'lib/i386-linux-gnu', { ...x86, interp: '/lib/ld-linux.so.2' }),
    [3],
  );
  await assert.rejects(ldSoCache([], 'm68k'), /unsupported architecture/);
});

test('sorting follows _dl_cache_libcmp, reversed', async () => {
  assert.ok(libcmp('libfoo.so.10', 'libfoo.so.9') > 0);
  assert.ok(libcmp('libfoo.so.1', 'libfoo.so.1.2') < 0);
  assert.ok(libcmp('libfoo.so', 'libfoo2.so') < 0);
  assert.equal(libcmp('libx.so.01', 'libx.so.1'), 0);
  const aarch64 = { class: 64, le: true, machine: 183 } as const;
  const names = [
    'libfoo.so.9',
    'libfoo.so.10',
    'libbar.so.2',
    'libfoo.so',
    'libA.so.1',
    'ld-linux-aarch64.so.1',
  ];
  const files = Object.fromEntries(names.map((n) => [n, craftElf({ ...aarch64, soname: n })]));
  const cache = parseCache(await ldSoCache([craftTree('lib/aarch64-linux-gnu', files)], 'arm64'), true);
  assert.deepEqual(
    cache.entries.map((e) => e.key),
    ['libfoo.so.10', 'libfoo.so.9', 'libfoo.so', 'libbar.so.2', 'libA.so.1', 'ld-linux-aarch64.so.1'],
  );
});

test('readElf: real libraries, and garbage never throws', { skip: skipHost }, async () => {
  const libz = readElf(await readFile(join(HOST_LIBS, 'libz.so.1')));
  assert.equal(libz?.soname, 'libz.so.1');
  assert.ok(libz?.needed.includes('libc.so.6'));
  assert.equal(libz?.class, 64);
  assert.equal(libz?.machine, 62);
  const libc = await readFile(join(HOST_LIBS, 'libc.so.6'));
  assert.equal(readElf(libc)?.interp, '/lib64/ld-linux-x86-64.so.2');
  assert.equal(readElf(Buffer.from('hello')), undefined);
  // Every truncation of a real header region, and random corruption: never a throw.
  const head = libc.subarray(0, 8192);
  for (let n = 0; n <= 1024; n += 7) readElf(head.subarray(0, n));
  let seed = 42;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const crafted = craftElf({ class: 64, le: true, machine: 183, soname: 'libq.so.1', needed: ['libc.so.6'] });
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.from(i % 2 ? crafted : head.subarray(0, 512));
    for (let k = 0; k < 1 + (rand() % 8); k++) b[rand() % b.length] = rand() & 0xff;
    const info = readElf(b.subarray(0, rand() % (b.length + 1)));
    if (info) assert.ok(Array.isArray(info.needed));
  }
});

test('readElf: DT_RPATH and DT_RUNPATH of crafted files, both byte orders and classes', () => {
  for (const [cls, le] of [
    [64, true],
    [32, false],
  ] as const) {
    const both = readElf(
      craftElf({
        class: cls,
        le,
        machine: 22,
        needed: ['libc.so.6'],
        soname: 'libq.so.1',
        rpath: '/opt/q/lib',
        runpath: '$ORIGIN/../lib:/usr/lib/q',
      }),
    );
    assert.deepEqual(
      [both?.needed, both?.soname, both?.rpath, both?.runpath],
      [['libc.so.6'], 'libq.so.1', '/opt/q/lib', '$ORIGIN/../lib:/usr/lib/q'],
    );
    const none = readElf(craftElf({ class: cls, le, machine: 22, needed: ['libc.so.6'] }));
    assert.equal(none?.rpath, undefined);
    assert.equal(none?.runpath, undefined);
  }
});

test('readElf: RUNPATH and RPATH as gcc writes them, the same as readelf -d', {
  skip: skipHost,
}, async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'p.c'), 'int main(void) { return 0; }\n');
  for (const [flag, tag] of [
    ['--enable-new-dtags', 'RUNPATH'],
    ['--disable-new-dtags', 'RPATH'],
  ] as const) {
    const out = join(dir, tag);
    const cc = await run('gcc', [join(dir, 'p.c'), '-o', out, `-Wl,${flag},-rpath,$ORIGIN/../lib:/opt/x`]);
    assert.equal(cc.code, 0, cc.stderr);
    const readelf = await run('readelf', ['-d', out]);
    const listed = new RegExp(`\\(${tag}\\)\\s+Library (?:runpath|rpath): \\[([^\\]]*)\\]`).exec(
      readelf.stdout,
    );
    assert.ok(listed, readelf.stdout);
    const info = readElf(await readFile(out));
    assert.equal(tag === 'RUNPATH' ? info?.runpath : info?.rpath, listed[1]);
    assert.equal(tag === 'RUNPATH' ? info?.rpath : info?.runpath, undefined);
    assert.equal(listed[1], '$ORIGIN/../lib:/opt/x');
  }
});
