// Speed sanity: readDeb on a ~50 MB data.tar.xz (random + text) built by dpkg-deb in the test completes and
// returns every byte; throughput is reported as a diagnostic only, never asserted (machines differ).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readAr, readDeb } from '../../src/deb-archive/index.ts';
import { CONTROL, run, tempDir } from '../deb-archive/helpers.ts';

const RANDOM_FILES = 25;
const RANDOM_SIZE = 2_000_000;
const TEXT_LINES = 800_000;

/** A tree of 50 MB random data (incompressible) and ~33 MB of text; returns each file's sha256. */
function makeTree(root: string): Map<string, string> {
  const sums = new Map<string, string>();
  const put = (path: string, data: Buffer) => {
    writeFileSync(join(root, path), data);
    sums.set(path, createHash('sha256').update(data).digest('hex'));
  };
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/speed'), { recursive: true });
  writeFileSync(join(root, 'DEBIAN/control'), CONTROL);
  for (let i = 0; i < RANDOM_FILES; i++) put(`usr/share/speed/random-${i}.bin`, randomBytes(RANDOM_SIZE));
  const text = Array.from({ length: TEXT_LINES }, (_, i) => `line ${i}: the quick brown fox ${i * 7919}\n`);
  put('usr/share/speed/text.txt', Buffer.from(text.join('')));
  return sums;
}

describe('readDeb speed', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('a ~50 MB data.tar.xz is read completely', { timeout: 300_000 }, async (t) => {
    const sums = makeTree(join(tmp.dir, 'pkg'));
    const deb = join(tmp.dir, 'speed.deb');
    run('dpkg-deb', ['--root-owner-group', '-Zxz', '-z0', '--build', join(tmp.dir, 'pkg'), deb]);
    let xzSize = 0;
    for await (const m of readAr(createReadStream(deb), deb)) if (m.name === 'data.tar.xz') xzSize = m.size;
    assert.ok(xzSize >= 50_000_000, `data.tar.xz is ${xzSize} bytes`);

    const start = performance.now();
    const got = await readDeb(createReadStream(deb, { highWaterMark: 1 << 20 }), deb);
    const seconds = (performance.now() - start) / 1000;

    const files = got.entries.filter((e) => e.type === 'file');
    const found = new Map(files.map((e) => [e.path, createHash('sha256').update(e.data).digest('hex')]));
    assert.deepEqual(found, sums);
    const out = files.reduce((n, e) => n + e.size, 0);
    const rate = (bytes: number) => (bytes / 1e6 / seconds).toFixed(1);
    t.diagnostic(
      `read ${(statSync(deb).size / 1e6).toFixed(1)} MB .deb (data.tar.xz ${(xzSize / 1e6).toFixed(1)} MB, ` +
        `${(out / 1e6).toFixed(1)} MB of files) in ${seconds.toFixed(2)} s: ${rate(xzSize)} MB/s compressed, ` +
        `${rate(out)} MB/s decompressed`,
    );
  });
});
