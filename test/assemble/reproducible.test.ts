// Acceptance (issue 2, point 3): the same config built twice, and from two different checkouts (other
// mtimes, other umask), gives identical digests, pinned here for a fixed SOURCE_DATE_EPOCH. Builds call the
// library API in process, SOURCE_DATE_EPOCH given as the environment of each pith instance.
// Regenerate the pins after an intended change with: UPDATE_GOLDEN=1 npm test
import assert from 'node:assert/strict';
import { chmod, cp, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { ROOT, tempDir } from '../helpers.ts';

const GOLDEN = join(ROOT, 'test/golden/hello-digests.json');
const HELLO = join(ROOT, 'examples/hello/pith.yaml');
const EPOCH = '1700000000';

async function buildDigest(
  config: string,
  output: string,
  env: Record<string, string>,
  cacheDir: string,
): Promise<string> {
  return (await createPith({ cacheDir, env }).build({ config, output })).digest;
}

/** A second "checkout": a copy with a group-writable umask and fresh, different mtimes. */
async function otherCheckout(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = await tempDir(t);
  await cp(join(ROOT, 'examples/hello'), dir, { recursive: true });
  for (const f of ['hello-amd64', 'hello-arm64']) {
    await chmod(join(dir, f), 0o775);
    await utimes(join(dir, f), new Date('2031-05-06T07:08:09Z'), new Date('2031-05-06T07:08:09Z'));
  }
  await chmod(join(dir, 'pith.yaml'), 0o664);
  return dir;
}

test('same config, two builds and two checkouts: identical, pinned digests', async (t) => {
  const out = await tempDir(t);
  const cache = join(out, 'cache');
  const env = { SOURCE_DATE_EPOCH: EPOCH };
  const other = await otherCheckout(t);
  const digests = {
    epoch: EPOCH,
    first: await buildDigest(HELLO, `oci:${out}/a`, env, cache),
    second: await buildDigest(HELLO, `oci:${out}/b`, env, cache),
    otherCheckout: await buildDigest(join(other, 'pith.yaml'), `oci:${out}/c`, env, cache),
    archive: await buildDigest(HELLO, `oci-archive:${out}/d.tar`, env, cache),
    defaultEpoch: await buildDigest(HELLO, `oci:${out}/e`, { SOURCE_DATE_EPOCH: '' }, cache),
  };
  assert.equal(digests.second, digests.first);
  assert.equal(digests.otherCheckout, digests.first);
  assert.equal(digests.archive, digests.first);
  assert.notEqual(digests.defaultEpoch, digests.first, 'the epoch is part of the image');
  const layoutA = await readFile(join(out, 'a', 'index.json'));
  assert.deepEqual(await readFile(join(out, 'c', 'index.json')), layoutA);
  const pinned = { index: digests.first, indexWithEpoch0: digests.defaultEpoch };
  if (process.env['UPDATE_GOLDEN']) await writeFile(GOLDEN, `${JSON.stringify(pinned, null, 2)}\n`);
  assert.deepEqual(
    pinned,
    JSON.parse(await readFile(GOLDEN, 'utf8')),
    `digests changed; if intended, run UPDATE_GOLDEN=1 npm test`,
  );
});
