// readDeb / readDebControl on packages that dpkg-deb itself builds (every -Z), checked against what
// dpkg-deb --contents/--info/--field/--extract report, and proof that no maintainer script was run.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DebContents, readAr, readDeb, readDebControl } from '../../src/deb-archive/index.ts';
import {
  asListed,
  CONTROL,
  chunks,
  infoScripts,
  makePackageTree,
  parseContents,
  pithError,
  run,
  tempDir,
} from '../deb-archive/helpers.ts';

const COMPRESSIONS = [
  ['xz', '.xz'],
  ['gzip', '.gz'],
  ['zstd', '.zst'],
  ['none', ''],
] as const;

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** Asserts readDeb's result is exactly what dpkg-deb reports for `deb`, built from the tree `src`. */
function assertMatchesDpkg(got: DebContents, deb: string, src: string, extractTo: string): void {
  assert.deepEqual(
    asListed(got.entries, (id) => (id === 0 ? 'root' : String(id))),
    parseContents(run('dpkg-deb', ['--contents', deb])),
  );
  for (const e of got.entries) {
    const st = lstatSync(join(src, e.path));
    assert.equal(e.mtime, Math.floor(st.mtimeMs / 1000), `mtime of ${e.path}`);
  }
  run('dpkg-deb', ['--extract', deb, extractTo]);
  const files = got.entries.filter((e) => e.type === 'file');
  for (const e of files) assert.ok(readFileSync(join(extractTo, e.path)).equals(e.data), e.path);

  const c = got.control;
  assert.equal(c.control, run('dpkg-deb', ['--info', deb, 'control']));
  assert.equal(c.control, CONTROL);
  assert.equal(run('dpkg-deb', ['--field', deb, 'Package']), 'pith-fixture\n');
  const listed = run('dpkg-deb', ['--info', deb, 'md5sums']).trim().split('\n');
  assert.deepEqual(c.md5sums, new Map(listed.map((l) => [l.slice(34), l.slice(0, 32)] as const)));
  const bytesOf = new Map(files.map((e) => [e.path, e.data] as const));
  for (const e of got.entries) if (e.type === 'hardlink') bytesOf.set(e.path, bytesOf.get(e.linkTarget!)!);
  assert.deepEqual(new Set(c.md5sums.keys()), new Set(bytesOf.keys()), 'md5sums lists every regular file');
  for (const [path, data] of bytesOf) assert.equal(c.md5sums.get(path), md5(data), path);
  assert.deepEqual(c.conffiles, run('dpkg-deb', ['--info', deb, 'conffiles']).trim().split('\n'));
  assert.deepEqual(c.conffiles, ['/etc/pith/app.conf']);
  assert.deepEqual(c.scripts, ['postinst', 'prerm']);
  assert.deepEqual(c.scripts, infoScripts(run('dpkg-deb', ['--info', deb])));
}

async function memberNames(deb: string): Promise<string[]> {
  const names: string[] = [];
  for await (const m of readAr(createReadStream(deb), deb)) names.push(m.name);
  return names;
}

describe('readDeb on packages built by dpkg-deb', () => {
  const tmp = tempDir();
  const src = join(tmp.dir, 'pkg');
  const marker = join(tmp.dir, 'SHOULD-NOT-EXIST');
  before(() => makePackageTree(src, marker));
  after(() => tmp.cleanup());

  for (const [z, ext] of COMPRESSIONS) {
    test(`-Z ${z}: entries, bytes, control, md5sums, conffiles and scripts match dpkg-deb`, async () => {
      const deb = join(tmp.dir, `fixture-${z}.deb`);
      run('dpkg-deb', ['--root-owner-group', `-Z${z}`, '--build', src, deb]);
      assert.deepEqual(await memberNames(deb), ['debian-binary', `control.tar${ext}`, `data.tar${ext}`]);
      const got = await readDeb(createReadStream(deb), deb);
      assertMatchesDpkg(got, deb, src, join(tmp.dir, `extract-${z}`));
      const types = new Set(got.entries.map((e) => e.type));
      assert.deepEqual(types, new Set(['dir', 'file', 'symlink', 'hardlink']));
      assert.equal(got.entries[0]?.path, '', "the root './' comes first, as ''");
      assert.equal(got.entries.find((e) => e.path === 'usr/bin/su-tool')?.mode, 0o4755);
      assert.equal(got.entries.find((e) => e.path === 'var/lib/pith/private')?.mode, 0o750);
      assert.deepEqual(await readDebControl(createReadStream(deb), deb), got.control);
      assert.equal(existsSync(marker), false, 'a maintainer script was executed');
      assert.equal(existsSync('/tmp/SHOULD-NOT-EXIST'), false);
    });
  }

  test('numeric owners are kept (built without --root-owner-group)', async () => {
    const owned = join(tmp.dir, 'pkg-owned');
    makePackageTree(owned, marker, true);
    const deb = join(tmp.dir, 'owned.deb');
    run('dpkg-deb', ['-Zxz', '--build', owned, deb]);
    const got = await readDeb(createReadStream(deb), deb);
    assertMatchesDpkg(got, deb, owned, join(tmp.dir, 'extract-owned'));
    const e = got.entries.find((x) => x.path === 'usr/share/doc/pith/owned');
    assert.deepEqual([e?.uid, e?.gid, e?.data.toString()], [1234, 2345, 'owned']);
    assert.equal(existsSync(marker), false);
  });

  test('the result does not depend on how the stream is chunked', async () => {
    const deb = join(tmp.dir, 'chunked.deb');
    run('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', src, deb]);
    const bytes = readFileSync(deb);
    const want = await readDeb(createReadStream(deb), deb);
    for (const size of [1, 61, 4099, 1 << 20]) {
      const source = size === 1 ? chunks(bytes.subarray(0, 4096), 1) : chunks(bytes, size);
      const rest = size === 1 ? chunks(bytes.subarray(4096), 8191) : (async function* () {})();
      assert.deepEqual(await readDeb(concat(source, rest), deb), want, `chunks of ${size}`);
    }
  });

  test('readDebControl stops after control.tar and closes the source', async () => {
    const deb = join(tmp.dir, 'control-only.deb');
    run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', src, deb]);
    const bytes = readFileSync(deb);
    const controlEnd = await endOfMember(bytes, 'control.tar.xz');
    const cut = Buffer.concat([bytes.subarray(0, controlEnd), Buffer.from('not an ar header at all')]);
    let pulled = 0;
    let closed = false;
    async function* source() {
      try {
        for await (const c of chunks(bytes, 1024)) {
          pulled += c.length;
          yield c;
        }
      } finally {
        closed = true;
      }
    }
    const control = await readDebControl(source(), deb);
    assert.equal(control.control, CONTROL);
    assert.ok(closed, 'source closed');
    assert.ok(pulled < controlEnd + 2048, `pulled ${pulled} of ${bytes.length} bytes`);
    assert.equal((await readDebControl(chunks(cut), deb)).control, CONTROL);
    await assert.rejects(readDeb(chunks(cut), deb), pithError('BAD_AR', deb));
  });
});

async function* concat(...parts: AsyncIterable<Buffer>[]): AsyncIterable<Buffer> {
  for (const p of parts) yield* p;
}

/** The byte offset just after member `name` (and its padding). */
async function endOfMember(deb: Buffer, name: string): Promise<number> {
  let at = 8;
  for await (const m of readAr(chunks(deb), 'x.deb')) {
    at += 60 + m.size + (m.size % 2);
    if (m.name === name) return at;
  }
  throw new Error(`no member ${name}`);
}
