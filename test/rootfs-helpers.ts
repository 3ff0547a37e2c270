// Shared by the tests that inventory a root file system written by hand (dpkg, apk, rpm, chisel
// databases, npm trees, binaries): write the files, make a tarball of the tree with GNU tar, and import it
// into an OCI layout with pith import, as a user would bring in another tool's root file system.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createPith, type Pith } from '../src/api/index.ts';
import { run } from './helpers.ts';

/** Writes `files` (relative path → content) under `root`. */
export async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, data] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), data);
  }
}

/** Imports the tree at `root` as a linux/amd64 image `oci:DIR/NAME`; the context caches in DIR/cache. */
export async function importTree(
  dir: string,
  root: string,
  name = 'image',
): Promise<{ pith: Pith; layout: string }> {
  const tarball = join(dir, `${name}.tar`);
  const tar = await run('tar', ['--sort=name', '-C', root, '-cf', tarball, '.']);
  assert.equal(tar.code, 0, tar.stderr);
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  const layout = `oci:${join(dir, name)}`;
  await pith.import({ rootfs: tarball, output: layout, platform: 'linux/amd64' });
  return { pith, layout };
}
