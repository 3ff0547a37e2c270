// Broken packages: truncation, bad magic, an unsupported format version, flipped bytes in data.tar.xz,
// members out of order, missing, unknown or mislabelled, and a broken control.tar. Each must fail with an
// invalid PithError whose code says what broke and whose message names the package file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type ArInput, readAr, readDeb, readDebControl, writeAr } from '../../src/deb-archive/index.ts';
import { writeTar } from '../../src/tar/index.ts';
import { CONTROL, chunks, collect, makePackageTree, pithError, run, tempDir } from './helpers.ts';

const WHERE = '/srv/pool/pith-fixture_1.2-3_all.deb';

async function membersOf(deb: Buffer): Promise<ArInput[]> {
  const out: ArInput[] = [];
  for await (const m of readAr(chunks(deb, 65536), 'fixture'))
    out.push({ name: m.name, data: await collect(m.body) });
  return out;
}

const read = (bytes: Buffer) => readDeb(chunks(bytes, 4096), WHERE);

describe('readDeb rejects broken packages', () => {
  const tmp = tempDir();
  let deb: Buffer;
  let members: ArInput[];
  const member = (name: string) => members.find((m) => m.name === name)!;
  const binary = () => members[0]!;
  const control = () => members[1]!;
  const data = () => members[2]!;
  before(async () => {
    makePackageTree(join(tmp.dir, 'pkg'), join(tmp.dir, 'SHOULD-NOT-EXIST'));
    const path = join(tmp.dir, 'fixture.deb');
    run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', join(tmp.dir, 'pkg'), path]);
    deb = readFileSync(path);
    members = await membersOf(deb);
    assert.deepEqual(
      members.map((m) => m.name),
      ['debian-binary', 'control.tar.xz', 'data.tar.xz'],
    );
  });
  after(() => tmp.cleanup());

  test('the intact package reads (baseline for the cases below)', async () => {
    assert.equal((await read(writeAr(members))).control.control, CONTROL);
  });

  test('truncated anywhere: BAD_AR, even when seen through the xz decoder', async () => {
    const dataStart = deb.length - data().data.length - (data().data.length % 2);
    const cuts = [0, 5, 40, 70, 100, 200, dataStart - 30, dataStart + 10, dataStart + 5000, deb.length - 3];
    for (const cut of cuts) {
      await assert.rejects(read(deb.subarray(0, cut)), pithError('BAD_AR', WHERE), `cut at ${cut}`);
    }
    for (const boundary of [8, dataStart - 60]) {
      await assert.rejects(read(deb.subarray(0, boundary)), pithError('BAD_DEB_MEMBER', WHERE));
    }
  });

  test('wrong ar magic', async () => {
    const bad = Buffer.from(deb);
    bad.write('!<arch!', 0, 'latin1');
    await assert.rejects(read(bad), pithError('BAD_AR', WHERE));
    await assert.rejects(readDebControl(chunks(bad), WHERE), /not a Debian package/);
  });

  test('debian-binary "3.0" (and other non-2.x versions)', async () => {
    for (const v of ['3.0\n', '1.0\n', '2\n', '', '2.0']) {
      const bad = writeAr([{ name: 'debian-binary', data: Buffer.from(v) }, control(), data()]);
      await assert.rejects(read(bad), pithError('BAD_DEB_VERSION', WHERE), JSON.stringify(v));
    }
    const minor = writeAr([{ name: 'debian-binary', data: Buffer.from('2.1\n') }, control(), data()]);
    assert.equal((await read(minor)).control.control, CONTROL, 'dpkg accepts any 2.x');
  });

  test('data.tar.xz with a flipped byte', async () => {
    const size = data().data.length;
    for (const at of [
      7,
      20,
      200,
      Math.floor(size / 3),
      Math.floor(size / 2),
      size - 200,
      size - 30,
      size - 5,
    ]) {
      const flipped = Buffer.from(data().data);
      flipped[at]! ^= 0x10;
      const bad = writeAr([binary(), control(), { name: 'data.tar.xz', data: flipped }]);
      await assert.rejects(read(bad), pithError(['BAD_XZ', 'BAD_TAR'], WHERE), `flip at ${at} of ${size}`);
      await assert.rejects(read(bad), /data\.tar\.xz: /);
    }
  });

  test("a broken gzip trailer after the tar's end marker is still caught", async () => {
    const padded = Buffer.concat([await collect(writeTar([])), Buffer.alloc(8 << 20)]);
    const gz = gzipSync(padded);
    const intact = writeAr([binary(), control(), { name: 'data.tar.gz', data: gz }]);
    assert.deepEqual((await read(intact)).entries, []);
    const broken = Buffer.from(gz);
    broken[gz.length - 6]! ^= 0xff; // inside the CRC32 of the gzip trailer
    const bad = writeAr([binary(), control(), { name: 'data.tar.gz', data: broken }]);
    await assert.rejects(read(bad), pithError('BAD_GZIP', WHERE));
  });

  test('members in the wrong order', async () => {
    const orders = [
      [binary(), data(), control()],
      [control(), binary(), data()],
      [binary(), control(), control(), data()],
      [binary(), control(), data(), data()],
      [data(), binary(), control()],
    ];
    for (const order of orders) {
      const names = order.map((m) => m.name).join(', ');
      await assert.rejects(read(writeAr(order)), pithError('BAD_DEB_MEMBER', WHERE), names);
    }
  });

  test("missing or unknown members; '_' members are skipped anywhere after the first", async () => {
    const extra = (name: string) => ({ name, data: Buffer.from('ignored') });
    for (const bad of [[binary()], [binary(), control()], [binary(), extra('foo'), control(), data()]]) {
      await assert.rejects(read(writeAr(bad)), pithError('BAD_DEB_MEMBER', WHERE));
    }
    await assert.rejects(read(writeAr([...members, extra('trailer')])), pithError('BAD_DEB_MEMBER', WHERE));
    assert.equal((await readDebControl(chunks(writeAr([binary(), control()])), WHERE)).control, CONTROL);
    const signed = [binary(), extra('_gpgorigin'), control(), extra('_x'), data(), extra('_sig')];
    assert.equal((await read(writeAr(signed))).entries.length, (await read(deb)).entries.length);
  });

  test('bzip2 and lzma data are refused clearly; a name that lies about the compression is caught', async () => {
    for (const name of ['data.tar.bz2', 'data.tar.lzma']) {
      const bad = writeAr([binary(), control(), { name, data: Buffer.from('BZh91AY&SY') }]);
      await assert.rejects(read(bad), pithError('UNSUPPORTED_DEB_COMPRESSION', WHERE));
      await assert.rejects(read(bad), /compression is not supported/);
    }
    const lies = writeAr([binary(), control(), { name: 'data.tar.gz', data: member('data.tar.xz').data }]);
    await assert.rejects(read(lies), pithError('BAD_DEB_COMPRESSION', WHERE));
    const plain = writeAr([binary(), control(), { name: 'data.tar.zst', data: Buffer.alloc(1024) }]);
    await assert.rejects(read(plain), pithError('BAD_DEB_COMPRESSION', WHERE));
    const unknown = writeAr([binary(), control(), { name: 'data.tar.rar', data: Buffer.alloc(10) }]);
    await assert.rejects(read(unknown), pithError('BAD_DEB_MEMBER', WHERE));
  });

  test('control.tar without a control file, or with a malformed md5sums', async () => {
    const tarOf = async (files: Record<string, string>) => {
      const entries = Object.entries(files).map(([path, text]) => ({
        path,
        type: 'file' as const,
        mode: 0o644,
        uid: 0,
        gid: 0,
        mtime: 0,
        size: Buffer.byteLength(text),
        content: async function* () {
          yield Buffer.from(text);
        },
      }));
      return { name: 'control.tar', data: await collect(writeTar(entries)) };
    };
    const cases: Record<string, string>[] = [
      { md5sums: 'd41d8cd98f00b204e9800998ecf8427e  usr/x\n' },
      { control: CONTROL, md5sums: 'not-a-hash  usr/x\n' },
      { control: CONTROL, md5sums: 'd41d8cd98f00b204e9800998ecf8427e  ../../etc/passwd\n' },
    ];
    for (const files of cases) {
      const bad = writeAr([binary(), await tarOf(files), data()]);
      await assert.rejects(read(bad), pithError('BAD_DEB_CONTROL', WHERE), JSON.stringify(files));
    }
    const garbage = writeAr([binary(), { name: 'control.tar', data: Buffer.alloc(700, 7) }, data()]);
    await assert.rejects(read(garbage), pithError('BAD_TAR', WHERE));
  });
});
