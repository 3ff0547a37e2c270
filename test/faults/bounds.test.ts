// Untrusted input is bounded, through the CLI: a 50 MB index.json of nested arrays (which cost 2.7 GB and
// 30 s) and a 10 MB gzip bomb of 10 GiB of zeros (which was spooled whole to $TMPDIR) are refused with one
// line naming the bound. Bounds checked: the child's peak RSS stays under 384 MiB (process.resourceUsage,
// reported by the child itself) and it is killed after 60 s; $TMPDIR holds nothing afterwards. In the full
// suite (test/faults/), not test:fast: the bombs cost ~15 s of CPU.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { writeLayoutDir } from '../../src/io/index.ts';
import { CLI, type RunResult, run, tempDir } from '../helpers.ts';
import { imageArchiveHeader, zeroBomb } from '../io/unit/helpers.ts';
import { smallImage } from '../oci/fixtures.ts';

const MAX_RSS_KIB = 384 * 1024;
const KILL_AFTER_MS = 60_000;

/** Runs the CLI in a child that reports its own peak RSS on the last stderr line (arguments in the env: `node -e … inspect` would start node's debugger). */
const MEASURED = `const { run } = await import(${JSON.stringify(pathToFileURL(CLI).href)});
const code = await run(JSON.parse(process.env.PITH_TEST_ARGS));
process.stderr.write('maxrss-kib ' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;`;

interface Measured extends RunResult {
  maxRssKib: number;
}

function measured(r: RunResult): Measured {
  const m = /maxrss-kib (\d+)\n$/.exec(r.stderr);
  assert.ok(m, `no RSS report (killed?): exit ${r.code}\n${r.stderr}`);
  return { ...r, stderr: r.stderr.slice(0, m.index), maxRssKib: Number(m[1]) };
}

function pithMeasured(args: string[], env: NodeJS.ProcessEnv = {}, prefix: string[] = []): Promise<Measured> {
  const [cmd, ...pre] = [...prefix, process.execPath];
  return run(cmd!, [...pre, '--input-type=module', '-e', MEASURED], {
    env: { ...process.env, CI: 'true', PITH_TEST_ARGS: JSON.stringify(args), ...env },
    timeoutMs: KILL_AFTER_MS,
  }).then(measured);
}

function assertRefused(r: Measured, code: number, message: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.ok(r.maxRssKib < MAX_RSS_KIB, `peak RSS ${r.maxRssKib} KiB, bound ${MAX_RSS_KIB} KiB`);
}

describe('untrusted input is bounded (CLI, peak RSS < 384 MiB, killed after 60 s)', {
  timeout: 180_000,
}, () => {
  it('a 50 MB index.json of nested arrays: exit 4, one line naming the size limit', async (t) => {
    const dir = join(await tempDir(t), 'l');
    await writeLayoutDir(dir, await smallImage());
    const half = 25 * 1024 * 1024;
    await writeFile(
      join(dir, 'index.json'),
      Buffer.concat([Buffer.alloc(half, '['), Buffer.alloc(half, ']')]),
    );
    assertRefused(
      await pithMeasured(['inspect', `oci:${dir}`]),
      4,
      /^pith: oci:.*: index\.json is 52428800 bytes, over the 4194304-byte limit for index documents\n$/,
    );
  });

  it('indexes that list one child 50 times, 5 levels deep (3×10⁸ images in 72 KB): exit 4, not hours', async (t) => {
    const dir = join(await tempDir(t), 'dag');
    await writeLayoutDir(dir, await smallImage());
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: object[] };
    let desc: object = index.manifests[0]!;
    for (let level = 0; level < 5; level++) {
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: Array(50).fill(desc),
        }),
      );
      const hex = createHash('sha256').update(bytes).digest('hex');
      await writeFile(join(dir, 'blobs/sha256', hex), bytes);
      desc = {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: `sha256:${hex}`,
        size: bytes.length,
      };
    }
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [desc] }));
    for (const command of ['inspect', 'validate'])
      assertRefused(
        await pithMeasured([command, `oci:${dir}`]),
        4,
        /: lists more than 10000 manifests and indexes per artifact \(repeats counted\)\n$/,
      );
  });

  it('a gzip bomb (10 MB → 10 GiB of zeros): exit 3 after the first block, $TMPDIR left empty', async (t) => {
    const dir = await tempDir(t);
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    await writeFile(join(dir, 'bomb.tar.gz'), zeroBomb(160));
    assertRefused(
      await pithMeasured(['inspect', `docker-archive:${dir}/bomb.tar.gz`], { TMPDIR: tmp }),
      3,
      /: not an image archive \(it decompresses to an empty tar archive or to zeros\)\n$/,
    );
    assert.deepEqual(await readdir(tmp), []);
  });

  const canMount =
    spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt'], { timeout: 10_000 }).status === 0;

  it('can run pith in a private mount namespace (unshare and mount: CI runs as root)', () => {
    assert.ok(canMount, 'these environment tests need root with unshare(1) and mount(8)');
  });

  it('a bomb that starts like an image archive stops at the free space of $TMPDIR (a 32 MiB tmpfs): exit 5', {
    timeout: 60_000,
  }, async (t) => {
    const dir = await tempDir(t);
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    await writeFile(join(dir, 'bomb.tar.gz'), zeroBomb(4, await imageArchiveHeader()));
    // pith runs in its own mount namespace with a 32 MiB tmpfs as $TMPDIR, listed on stdout afterwards
    const script =
      'mount -t tmpfs -o size=32m tmpfs "$1" && t="$1" && shift && "$@"; rc=$?; ls -A "$t"; exit $rc';
    const r = await pithMeasured(['inspect', `docker-archive:${dir}/bomb.tar.gz`], { TMPDIR: tmp }, [
      'unshare',
      '-m',
      'sh',
      '-c',
      script,
      'sh',
      tmp,
    ]);
    assertRefused(
      r,
      5,
      /: decompresses to more than the 33554432 bytes free in .*; free some space or set TMPDIR to a larger file system\n$/,
    );
    assert.equal(r.stdout, '', 'the tmpfs holds nothing afterwards');
  });
});
