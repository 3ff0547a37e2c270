// A layer cache finds a Debian package's layer, the C.utf8 locale's and the Node.js runtime's by their
// inputs (layer-store.ts), without laying the files out again: that is only right while the layout code is
// the code that made the recorded layer. The key carries the layout's version, and this test pins the tars
// each version gives, so a change to their bytes fails here until the version is bumped. Regenerate the
// pins after a bump with UPDATE_GOLDEN=1 (refused while the version is the pinned one).
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PackageRecord } from '../../src/apt-repo/index.ts';
import { buildDeb, readDeb } from '../../src/deb-archive/index.ts';
import { LAYER_FORMAT_VERSION, layerFromEntries } from '../../src/layer/index.ts';
import { NODE_LAYOUT_VERSION, type NodeBinary, nodeTree } from '../../src/node/index.ts';
import { cUtf8LocaleTree } from '../../src/rootfs/c-utf8-locale.ts';
import { DEB_LAYOUT_VERSION, debTree } from '../../src/rootfs/deb-tree.ts';
import { bytesEntry, dirEntry, type FileTree, symlinkEntry, type TarEntry } from '../../src/tar/index.ts';
import { ROOT } from '../helpers.ts';

const GOLDEN = join(ROOT, 'test/golden/layout-versions.json');
const EPOCH = 1_700_000_000;

const dir = dirEntry;
const file = (path: string, text: string, mode = 0o644): TarEntry => ({
  ...bytesEntry(path, Buffer.from(text)),
  mode,
  mtime: EPOCH + 99, // clamped to the epoch
});

/** A package with what the layout treats specially: merged-/usr paths, docs, links, the locale. */
const ENTRIES: TarEntry[] = [
  dir(''),
  dir('bin'),
  file('bin/tool', '#!tool\n', 0o755),
  dir('lib'),
  dir('lib/x86_64-linux-gnu'),
  file('lib/x86_64-linux-gnu/libx.so.1.2', 'libx\n'),
  symlinkEntry('lib/x86_64-linux-gnu/libx.so.1', 'libx.so.1.2'),
  {
    path: 'bin/tool2',
    type: 'hardlink',
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: 0,
    size: 0,
    linkTarget: 'bin/tool',
  },
  dir('usr'),
  dir('usr/lib'),
  dir('usr/lib/locale'),
  dir('usr/lib/locale/C.utf8'),
  file('usr/lib/locale/C.utf8/LC_CTYPE', 'ctype\n'),
  dir('usr/share'),
  dir('usr/share/doc'),
  dir('usr/share/doc/pkg'),
  file('usr/share/doc/pkg/copyright', 'copyright\n'),
  file('usr/share/doc/pkg/changelog.gz', 'changes\n'),
  dir('usr/share/man'),
  file('usr/share/man/tool.1.gz', 'man\n'),
];

async function diffId(tree: FileTree): Promise<string> {
  return (await layerFromEntries(tree.entries(), { epoch: EPOCH })).diffId;
}

async function debLayers(): Promise<Record<string, string>> {
  const control = 'Package: pkg\nVersion: 1.0-1\nArchitecture: amd64\nDescription: layout pin\n';
  const bytes = await buildDeb({ control, files: ENTRIES });
  const deb = await readDeb(
    (async function* () {
      yield bytes;
    })(),
    'pkg_1.0-1_amd64.deb',
  );
  const pkg = { name: 'pkg', version: '1.0-1', architecture: 'amd64' } as PackageRecord;
  const out: Record<string, string> = {};
  for (const mergedUsr of [false, true])
    for (const keepDocs of [false, true])
      out[`mergedUsr=${mergedUsr} keepDocs=${keepDocs}`] = await diffId(
        debTree(pkg, deb, { mergedUsr, keepDocs }).tree,
      );
  out['C.utf8'] = await diffId(cUtf8LocaleTree(pkg, deb, { mergedUsr: true, keepDocs: false }));
  return out;
}

async function nodeLayer(): Promise<string> {
  const bytes = Buffer.from('\x7fELF node');
  const content = async function* () {
    yield bytes;
  };
  const bin = {
    node: { size: bytes.length, content },
    license: Buffer.from('MIT\n'),
  } as unknown as NodeBinary;
  return diffId(nodeTree(bin));
}

test('the layouts found by their inputs give the tars pinned for their versions', async () => {
  const now = {
    deb: { version: `${LAYER_FORMAT_VERSION}.${DEB_LAYOUT_VERSION}`, diffIds: await debLayers() },
    node: { version: `${LAYER_FORMAT_VERSION}.${NODE_LAYOUT_VERSION}`, diffId: await nodeLayer() },
  };
  let pinned = JSON.parse(await readFile(GOLDEN, 'utf8')) as typeof now;
  if (process.env['UPDATE_GOLDEN']) {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    for (const k of ['deb', 'node'] as const)
      if (now[k].version === pinned[k].version && !same(now[k], pinned[k]))
        assert.fail(`the ${k} layout changed at version ${now[k].version}: bump its version before pinning`);
    await writeFile(GOLDEN, `${JSON.stringify(now, null, 2)}\n`);
    pinned = now;
  }
  assert.deepEqual(
    now.deb,
    pinned.deb,
    'the layers of Debian packages changed: bump DEB_LAYOUT_VERSION (src/rootfs/deb-tree.ts), then UPDATE_GOLDEN=1',
  );
  assert.deepEqual(
    now.node,
    pinned.node,
    'the Node.js runtime layer changed: bump NODE_LAYOUT_VERSION (src/node/node-tree.ts), then UPDATE_GOLDEN=1',
  );
});
