// What a call leaves to tidy is tidied when the call settles: reading a compressed archive decompresses it
// to a temporary file in $TMPDIR, which a library user's long-running process must not accumulate.
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { it } from 'node:test';
import { createGzip } from 'node:zlib';
import { createPith, isPithError } from '../../src/api/index.ts';
import { tempDir } from '../helpers.ts';

it('a compressed archive read by inspect, validate, copy or as a base leaves no temporary copy', async (t) => {
  const dir = await tempDir(t);
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  // the instance's TMPDIR is where compressed archives are decompressed while they are read
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: { TMPDIR: tmp } });
  assert.equal(pith.settings.tmpDir, tmp);
  const config = { archs: ['amd64' as const], files: [{ dir: '/app' }] };
  await pith.build({ config, output: `oci-archive:${join(dir, 'image.tar')}` });
  await pipeline(
    createReadStream(join(dir, 'image.tar')),
    createGzip(),
    createWriteStream(join(dir, 'image.tar.gz')),
  );
  const archive = `oci-archive:${join(dir, 'image.tar.gz')}`;
  const inspected = await pith.inspect(archive);
  assert.equal((await pith.validate(archive)).valid, true);
  await pith.copy(archive, `oci:${join(dir, 'copy')}`);
  const built = await pith.build({
    config: { from: archive, files: [{ dir: '/more' }] },
    output: `oci:${join(dir, 'on-top')}`,
  });
  assert.equal(built.images[0]?.layers.length, 3, 'the base layers (accounts, files) and one more');
  assert.equal(inspected.images.length, 1);
  assert.deepEqual(await readdir(tmp), [], 'no decompressed copy left in $TMPDIR');
  // a failed read tidies too
  const failed = await pith.copy(archive, `oci:${join(dir, 'image.tar')}`).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isPithError(failed));
  assert.deepEqual(await readdir(tmp), []);
});
