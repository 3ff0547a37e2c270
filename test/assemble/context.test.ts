// The build context: the config's directory by default, widened only by an explicit `context:` (relative to
// the config file), which is what admits a ../ source; a missing or non-directory context is an error at
// the `context` field; a config given on the command line has the working directory as its context.
import assert from 'node:assert/strict';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { contextDir } from '../../src/assemble/build-context.ts';
import { addContentEntry } from '../../src/assemble/host-files.ts';
import { configFromObject, parseConfig } from '../../src/config/config-load.ts';
import { FileTree } from '../../src/tar/index.ts';
import { isPithError } from '../../src/util/index.ts';
import { pith, run, tempDir } from '../helpers.ts';

/** Adds the config's files to a fresh tree with the config's build context; the tree, or the error. */
async function addFiles(text: string, file: string): Promise<FileTree> {
  const loaded = parseConfig(text, file);
  const ctx = {
    tree: new FileTree(),
    baseDir: loaded.baseDir,
    context: contextDir(loaded),
    arch: 'amd64' as const,
    where: loaded.where,
  };
  for (const [i, e] of (loaded.config.files ?? []).entries()) await addContentEntry(ctx, e, i);
  return ctx.tree;
}

async function layout(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const root = await tempDir(t);
  await mkdir(join(root, 'app'));
  await mkdir(join(root, 'shared'));
  await writeFile(join(root, 'shared', 'lib.txt'), 'shared\n');
  return root;
}

test('the context is the config directory unless context: names another, relative to the config', () => {
  assert.equal(contextDir(parseConfig('{}', '/a/b/pith.yaml')), '/a/b');
  assert.equal(contextDir(parseConfig('context: ..\n', '/a/b/pith.yaml')), '/a');
  assert.equal(contextDir(parseConfig('context: /srv\n', '/a/b/pith.yaml')), '/srv');
  assert.equal(contextDir(configFromObject({})), process.cwd());
});

test('a ../ source is refused by default and admitted by context: ..', async (t) => {
  const root = await layout(t);
  const file = join(root, 'app', 'pith.yaml');
  const files = 'files:\n  - src: ../shared/lib.txt\n    dst: /lib.txt\n';
  await assert.rejects(addFiles(files, file), (err) => {
    assert.ok(isPithError(err));
    assert.equal(err.code, 'OUTSIDE_CONTEXT');
    assert.equal(err.kind, 'input');
    assert.equal(
      err.message,
      `${file}:2:10: files[0].src: ../shared/lib.txt is ${root}/shared/lib.txt, outside the build context ${root}/app; to allow it, set context: in the config to a directory that holds it`,
    );
    return true;
  });
  const tree = await addFiles(`context: ..\n${files}`, file);
  assert.equal(tree.get('lib.txt')?.type, 'file');
});

test('a context that is missing or not a directory is an error at the context field', async (t) => {
  const root = await layout(t);
  const file = join(root, 'app', 'pith.yaml');
  const files = 'files:\n  - src: x\n    dst: /x\n';
  await writeFile(join(root, 'app', 'x'), 'x');
  for (const [context, why] of [
    ['../nope', `cannot find the build context ${root}/nope: no such file or directory \\(ENOENT\\)`],
    ['x', `the build context ${root}/app/x is a regular file`],
  ]) {
    await assert.rejects(addFiles(`context: ${context}\n${files}`, file), (err) => {
      assert.ok(isPithError(err));
      assert.match(err.message, new RegExp(`^${file}:1:10: context: ${why}$`));
      return true;
    });
  }
});

test('through the CLI: a ../ source is refused (exit 3, path named), and context: .. builds it', async (t) => {
  const root = await layout(t);
  const files = 'files:\n  - src: ../shared/lib.txt\n    dst: /lib.txt\n';
  await writeFile(join(root, 'app', 'pith.yaml'), files);
  const refused = await pith(['build', 'pith.yaml', '-o', 'oci:out'], { cwd: join(root, 'app') });
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /pith\.yaml:2:\d+: files\[0\]\.src: .*shared\/lib\.txt/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /);
  await writeFile(join(root, 'app', 'pith.yaml'), `context: ..\n${files}`);
  const built = await pith(['build', 'pith.yaml', '-o', 'oci:out', '--json'], { cwd: join(root, 'app') });
  assert.equal(built.code, 0, built.stderr);
  const listing = await run('bash', ['-c', 'for f in blobs/sha256/*; do tar -tzf "$f" 2>/dev/null; done'], {
    cwd: join(root, 'app', 'out'),
  });
  assert.match(listing.stdout, /^lib\.txt$/m);
});

test('a file swapped after the walk (before its layer is written) is refused, not read', async (t) => {
  const root = await layout(t);
  await writeFile(join(root, 'app', 'data.txt'), 'walked\n');
  const tree = await addFiles(
    'files:\n  - src: data.txt\n    dst: /data.txt\n',
    join(root, 'app', 'pith.yaml'),
  );
  // replaced by another file (another inode) between the walk and the layer write
  await writeFile(join(root, 'app', 'other.txt'), 'swapped\n');
  await rename(join(root, 'app', 'other.txt'), join(root, 'app', 'data.txt'));
  const node = tree.get('data.txt');
  assert.ok(node?.type === 'file' && node.content);
  await assert.rejects(
    (async () => {
      for await (const _ of node.content!()) void _;
    })(),
    (err) =>
      isPithError(err) &&
      err.code === 'SOURCE_CHANGED' &&
      /data\.txt changed while the image was built/.test(err.message),
  );
});
