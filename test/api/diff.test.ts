// pith diff between two images that share a base layer: files added, removed and changed (content and
// mode, with both sizes), packages added, removed and upgraded (from their dpkg status), and the shared
// layer; and the command line's text and --json.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith, type DiffReport } from '../../src/api/index.ts';
import { bytesEntry, type TarEntry } from '../../src/tar/index.ts';
import { pith as runPith, tempDir } from '../helpers.ts';
import { entriesLayout } from '../layout-helpers.ts';

const stanza = (name: string, version: string) =>
  `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`;
const FROM_STATUS = [
  stanza('zlib1g', '1:1.3-1'),
  stanza('oldtool', '2.0-1'),
  stanza('libc6', '2.41-12'),
].join('\n');
const TO_STATUS = [stanza('zlib1g', '1:1.3-2'), stanza('newtool', '1.0-1'), stanza('libc6', '2.41-12')].join(
  '\n',
);
const status = (text: string) => bytesEntry('var/lib/dpkg/status', Buffer.from(text));
const file = (path: string, size: number, mode = 0o644): TarEntry => ({
  ...bytesEntry(path, Buffer.alloc(size, path.length)),
  mode,
});

it('files and packages added, removed and changed; the base layer shared', async (t) => {
  const dir = await tempDir(t);
  const base = [file('etc/os-release', 20), file('usr/lib/libz.so', 1000)];
  const from = await entriesLayout(dir, 'from', {}, base, [
    status(FROM_STATUS),
    file('app/server', 5000, 0o755),
    file('app/old.conf', 30),
    file('app/script', 40, 0o644),
  ]);
  const to = await entriesLayout(dir, 'to', {}, base, [
    status(TO_STATUS),
    file('app/server', 7000, 0o755),
    file('app/new.conf', 10),
    file('app/script', 40, 0o755),
  ]);
  const r = await createPith({ cacheDir: join(dir, 'cache'), env: {} }).diff({ from, to });
  assert.equal(r.sharedLayers.length, 1);
  assert.deepEqual(r.files.added, [{ path: '/app/new.conf', size: 10 }]);
  assert.deepEqual(r.files.removed, [{ path: '/app/old.conf', size: 30 }]);
  assert.deepEqual(
    r.files.changed.map((c) => `${c.path} ${c.what.join(',')} ${c.fromSize}→${c.toSize}`),
    [
      '/app/script mode 40→40',
      '/app/server content 5000→7000',
      `/var/lib/dpkg/status content ${FROM_STATUS.length}→${TO_STATUS.length}`,
    ],
  );
  assert.deepEqual(r.packages, {
    added: [{ name: 'newtool', architecture: 'amd64', version: '1.0-1' }],
    removed: [{ name: 'oldtool', architecture: 'amd64', version: '2.0-1' }],
    changed: [{ name: 'zlib1g', architecture: 'amd64', from: '1:1.3-1', to: '1:1.3-2' }],
  });
  assert.equal(r.sizeDelta, 2000 + 10 - 30 + TO_STATUS.length - FROM_STATUS.length);

  const text = await runPith(['diff', from, to, '-q']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^files: 1 added, 1 removed, 3 changed \(\+/m);
  assert.match(text.stdout, /^packages: 1 added, 1 removed, 1 changed$/m);
  assert.match(text.stdout, /^~ zlib1g 1:1\.3-1 → 1:1\.3-2$/m);
  assert.match(text.stdout, /^~ \/app\/server 4\.9 KiB → 6\.8 KiB \(content\)$/m);
  const json = await runPith(['diff', from, to, '--json', '-q']);
  assert.deepEqual((JSON.parse(json.stdout) as DiffReport).packages, r.packages);
});
