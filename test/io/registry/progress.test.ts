// Byte-level progress of blob transfers: the throttle (a report at the start, at most one per 200 ms, and
// always the last byte), then pulls and pushes (one PUT, and chunked PATCHes) against the in-memory
// registry reporting each blob from 0 to its size, never backwards within one transfer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BlobProgress, pullRemote, pushRemote } from '../../../src/io/index.ts';
import { withProgress } from '../../../src/io/registry/progress.ts';
import { parseReference } from '../../../src/oci/index.ts';
import { startMemoryRegistry } from '../../../src/testing/index.ts';
import type { Digest } from '../../../src/util/index.ts';
import { collect } from '../../oci/fixtures.ts';
import { bigImage } from './fault-fixtures.ts';

/** Every report per digest, in order. */
function recorder() {
  const seen = new Map<string, BlobProgress[]>();
  const onProgress = (p: BlobProgress) => seen.set(p.digest, [...(seen.get(p.digest) ?? []), p]);
  return { seen, onProgress };
}

function assertWhole(reports: BlobProgress[] | undefined, size: number): void {
  assert.ok(reports && reports.length >= 2, 'a start and an end at least');
  assert.equal(reports[0]!.done, 0);
  assert.equal(reports.at(-1)!.done, size);
  for (const r of reports) assert.equal(r.total, size);
  for (let i = 1; i < reports.length; i++) assert.ok(reports[i]!.done >= reports[i - 1]!.done);
}

describe('blob progress', () => {
  it('reports at the start, at most every 200 ms, and at the last byte', async () => {
    let clock = 0;
    const now = () => clock;
    async function* chunks() {
      for (let i = 0; i < 10; i++) {
        clock += 70;
        yield Buffer.alloc(10);
      }
    }
    const { seen, onProgress } = recorder();
    const digest = 'sha256:00' as Digest;
    await collect(withProgress(chunks(), { digest, size: 100 }, onProgress, 0, now));
    assert.deepEqual(
      seen.get(digest)!.map((p) => p.done),
      [0, 30, 60, 90, 100],
    );
  });

  it('follows every blob of a pull, and of a push in one PUT or in chunks', async (t) => {
    const reg = await startMemoryRegistry();
    t.after(() => reg.close());
    const image = await bigImage();
    const blobs = [image.configBlob, ...image.layers].map((b) => b.descriptor);
    for (const [repo, chunkSize] of [
      ['whole', undefined],
      ['chunked', 512 << 10],
    ] as const) {
      const pushed = recorder();
      const ref = parseReference(`${reg.host}/progress/${repo}:1`);
      await pushRemote(ref, image, { onProgress: pushed.onProgress, ...(chunkSize ? { chunkSize } : {}) });
      for (const d of blobs) assertWhole(pushed.seen.get(d.digest), d.size);
      reg.blobs.clear(); // the next push uploads every blob again
    }
    await pushRemote(parseReference(`${reg.host}/progress/pull:1`), image);
    const pulled = recorder();
    const artifact = await pullRemote(parseReference(`${reg.host}/progress/pull:1`), {
      onProgress: pulled.onProgress,
    });
    assert.equal(artifact.kind, 'image');
    if (artifact.kind === 'image') await collect(artifact.layers[0]!.open());
    for (const d of blobs) assertWhole(pulled.seen.get(d.digest), d.size);
  });
});
