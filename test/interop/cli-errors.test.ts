// Ordinary mistakes are not internal errors: every case below (a path of the wrong type, a missing parent,
// /proc, /sys, a device, a FIFO, a name too long, a full or read-only disk, no permission, a closed port)
// exits 3 or 5 with exactly one line on stderr naming the path, never a stack trace; outputs are never
// half-written and a FIFO at the destination is left alone. With --json the same failure is
// also one JSON object on stdout. The table is the documentation of these cases.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { writeDockerArchive, writeLayoutDir } from '../../src/io/index.ts';
import { CLI, closedPort, pith, type RunResult, run, tempDir, WITHOUT_CAPABILITIES } from '../helpers.ts';
import { tempLeftovers } from '../io/unit/helpers.ts';
import { smallImage } from '../oci/fixtures.ts';

/** Asserts the failure shape: the exit code, one line on stderr matching `message`, no stack trace. */
function assertOneLine(r: RunResult, code: number, message: RegExp): void {
  assert.equal(r.code, code, `exit ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^pith: /);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
}

interface Case {
  args: (d: string) => string[];
  code: 3 | 5;
  message: RegExp;
  /** What must still hold afterwards (the destination left as it was). */
  afterwards?: (d: string) => Promise<void>;
}

const LONG = 'n'.repeat(300);

/** Reading: what each reference names is missing, of the wrong type, or unreadable. */
const READS: Record<string, Case> = {
  'oci: on a file': {
    args: (d) => ['inspect', `oci:${d}/file`],
    code: 3,
    message: /oci:.*\/file: is a regular file, not an OCI layout directory$/,
  },
  'oci: on a missing path': {
    args: (d) => ['validate', `oci:${d}/missing`],
    code: 3,
    message: /oci:.*\/missing: no such file or directory$/,
  },
  'oci: on a FIFO': {
    args: (d) => ['inspect', `oci:${d}/fifo`],
    code: 3,
    message: /is a FIFO, not an OCI layout directory$/,
  },
  'oci: on /dev/null': {
    args: () => ['inspect', 'oci:/dev/null'],
    code: 3,
    message: /is a character device, not an OCI layout directory$/,
  },
  'oci: under a file': {
    args: (d) => ['inspect', `oci:${d}/file/x`],
    code: 3,
    message: /cannot read .*\/file\/x: a component of the path is not a directory \(ENOTDIR\)$/,
  },
  'oci: with a name too long': {
    args: (d) => ['inspect', `oci:${d}/${LONG}`],
    code: 3,
    message: /longer than the file system allows \(ENAMETOOLONG\)$/,
  },
  'oci-archive: on a directory': {
    args: (d) => ['validate', `oci-archive:${d}/layout`],
    code: 3,
    message: /is a directory, not an archive file \(a layout directory is read as oci:/,
  },
  'oci-archive: on a missing path': {
    args: (d) => ['inspect', `oci-archive:${d}/missing.tar`],
    code: 3,
    message: /oci-archive:.*missing\.tar: no such file or directory$/,
  },
  'docker-archive: on a FIFO': {
    args: (d) => ['inspect', `docker-archive:${d}/fifo`],
    code: 3,
    message: /is a FIFO, not an archive file$/,
  },
  'a bare FIFO': {
    args: (d) => ['inspect', `${d}/fifo`],
    code: 3,
    message: /is a FIFO, not an archive file$/,
  },
  'an archive that cannot be read (EIO)': {
    args: () => ['inspect', 'oci-archive:/proc/self/mem'],
    code: 5,
    message: /cannot read \/proc\/self\/mem: input\/output error \(EIO\)$/,
  },
  'copy from oci: on a file': {
    args: (d) => ['copy', `oci:${d}/file`, `oci:${d}/out/copy`],
    code: 3,
    message: /is a regular file, not an OCI layout directory$/,
  },
};

/** Writing: the output path cannot hold the output (each case is a `copy` of a small layout). */
const WRITES: Record<string, Case> = {
  'oci-archive: under a file': {
    args: (d) => [`oci-archive:${d}/file/x.tar`],
    code: 3,
    message: /cannot create .*\/file\/x\.tar: .*\/file is a regular file, not a directory$/,
  },
  'oci: under a file': {
    args: (d) => [`oci:${d}/file/x`],
    code: 3,
    message: /cannot create .*\/file\/x: .*\/file is a regular file, not a directory$/,
  },
  'oci: under a device': {
    args: () => ['oci:/dev/null/x'],
    code: 3,
    message: /cannot create \/dev\/null\/x: \/dev\/null is a character device, not a directory$/,
  },
  'oci: onto a file': {
    args: (d) => [`oci:${d}/file`],
    code: 3,
    message: /is a regular file and is not an OCI image layout; refusing to write into it$/,
  },
  'oci-archive: onto a directory': {
    args: (d) => [`oci-archive:${d}/emptydir`],
    code: 3,
    message: /is a directory; an archive is written to a regular file path, refusing to replace it/,
    afterwards: async (d) => assert.deepEqual(await readdir(join(d, 'emptydir')), []),
  },
  'docker-archive: onto a FIFO': {
    args: (d) => [`docker-archive:${d}/fifo`],
    code: 3,
    message: /is a FIFO; an archive is written to a regular file path, refusing to replace it$/,
    afterwards: async (d) => assert.ok((await stat(join(d, 'fifo'))).isFIFO(), 'still a FIFO'),
  },
  'oci: under /proc': {
    args: () => ['oci:/proc/pith-test'],
    code: 5,
    message: /cannot write \/proc\/pith-test: the file system does not allow creating it there \(ENOENT\)$/,
  },
  'oci-archive: under /proc': {
    args: () => ['oci-archive:/proc/pith-test.tar'],
    code: 5,
    message: /cannot write \/proc\/pith-test\.tar: .*\(ENOENT\)$/,
  },
  'docker-archive: under /sys': {
    args: () => ['docker-archive:/sys/pith-test.tar'],
    code: 5,
    message:
      /cannot write \/sys\/pith-test\.tar: (permission denied \(EACCES\)|operation not permitted \(EPERM\))$/,
  },
  'oci-archive: with a name too long': {
    args: (d) => [`oci-archive:${d}/out/${LONG}.tar`],
    code: 3,
    message: /cannot write .*: a name in the path is longer than the file system allows \(ENAMETOOLONG\)$/,
  },
};

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pith-errors-'));
  await writeFile(join(dir, 'file'), 'a plain file\n');
  await mkdir(join(dir, 'emptydir'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  await writeLayoutDir(join(dir, 'layout'), await smallImage());
});
after(() => rm(dir, { recursive: true, force: true }));

describe('ordinary mistakes: one line, exit 3 or 5, no stack', { concurrency: 4, timeout: 120_000 }, () => {
  for (const [name, c] of Object.entries(READS)) {
    it(`reading: ${name} → ${c.code}`, async () => {
      assertOneLine(await pith(c.args(dir)), c.code, c.message);
    });
  }
});

// one at a time: each checks that the shared directory holds no temporary file, which a write running
// beside it would have
describe('ordinary mistakes when writing: one line, exit 3 or 5, no stack, no temporaries', {
  timeout: 120_000,
}, () => {
  for (const [name, c] of Object.entries(WRITES)) {
    it(`writing: ${name} → ${c.code}`, async () => {
      assertOneLine(await pith(['copy', `oci:${dir}/layout`, ...c.args(dir)]), c.code, c.message);
      await c.afterwards?.(dir);
      assert.deepEqual(await tempLeftovers(dir), [], 'no temporary files');
    });
  }
});

describe('environment failures in a private mount namespace (root only)', { timeout: 60_000 }, () => {
  const canMount =
    spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs tmpfs /mnt'], { timeout: 10_000 }).status === 0;

  it('can run pith in a private mount namespace (unshare and mount: CI runs as root)', () => {
    assert.ok(canMount, 'these environment tests need root with unshare(1) and mount(8)');
  });

  /** Runs pith with a tmpfs (mount options `opts`) at `mnt`, in its own mount namespace. */
  function pithOnTmpfs(opts: string, mnt: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    const script = 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"';
    return run('unshare', ['-m', 'sh', '-c', script, 'sh', opts, mnt, process.execPath, CLI, ...args], {
      env: { ...process.env, CI: 'true', ...env },
      timeoutMs: 30_000,
    });
  }

  const copyOnTmpfs = (opts: string, mnt: string, dst: string) =>
    pithOnTmpfs(opts, mnt, ['copy', `oci:${join(dir, 'layout')}`, dst]);

  it('a full disk (ENOSPC) → 5, for an archive and for a layout', {
    timeout: 60_000,
  }, async (t) => {
    const mnt = await tempDir(t);
    assertOneLine(
      await copyOnTmpfs('size=4k', mnt, `oci-archive:${mnt}/x.tar`),
      5,
      /cannot write .*\/x\.tar: no space left on device \(ENOSPC\)$/,
    );
    const layout = await copyOnTmpfs('size=4k', mnt, `oci:${mnt}/l`);
    assertOneLine(
      layout,
      5,
      new RegExp(`cannot write ${mnt}/l/blobs/sha256/[0-9a-f]{64}: no space left on device \\(ENOSPC\\)$`),
    );
  });

  it('a read-only file system (EROFS) → 5', {
    timeout: 60_000,
  }, async (t) => {
    const mnt = await tempDir(t);
    assertOneLine(
      await copyOnTmpfs('ro', mnt, `docker-archive:${mnt}/x.tar`),
      5,
      /cannot write .*\/x\.tar: read-only file system \(EROFS\)$/,
    );
  });

  it('no inode left in $TMPDIR for a compressed archive → 5 ENOSPC, not a broken archive', {
    timeout: 60_000,
  }, async (t) => {
    const d = await tempDir(t);
    await writeDockerArchive(join(d, 'img.tar'), await smallImage());
    await writeFile(join(d, 'img.tar.gz'), gzipSync(await readFile(join(d, 'img.tar'))));
    const tmp = join(d, 'tmp');
    await mkdir(tmp);
    const r = await pithOnTmpfs('nr_inodes=1', tmp, ['inspect', `docker-archive:${d}/img.tar.gz`], {
      TMPDIR: tmp,
    });
    assertOneLine(r, 5, /cannot write .*\/pith-archive-[0-9a-f]+\.tar: no space left on device \(ENOSPC\)$/);
  });

  it('no permission (EACCES, as root without its capabilities) → 5', {
    timeout: 60_000,
  }, async (t) => {
    const out = await tempDir(t);
    await chmod(out, 0o500); // owned by root, not writable even by root once CAP_DAC_OVERRIDE is gone
    const r = await run(
      'setpriv',
      [...WITHOUT_CAPABILITIES, process.execPath, CLI, 'copy', `oci:${dir}/layout`, `oci:${out}/x`],
      {
        env: { ...process.env, CI: 'true', HOME: '/nonexistent' },
        timeoutMs: 30_000,
      },
    );
    assertOneLine(r, 5, /cannot write .*\/x: permission denied \(EACCES\)$/);
  });
});

describe('the network', { timeout: 60_000 }, () => {
  it('docker:// to a closed port → 5, one line', async () => {
    const port = await closedPort();
    assertOneLine(await pith(['inspect', `docker://127.0.0.1:${port}/x/y:1`]), 5, /ECONNREFUSED/);
  });
});

describe('errors under --json', { timeout: 60_000 }, () => {
  it('a failure is one line on stderr and one JSON object on stdout', async (t) => {
    const d = await tempDir(t);
    await writeFile(join(d, 'file'), 'x');
    const r = await pith(['inspect', `oci:${d}/file`, '--json']);
    assertOneLine(r, 3, /is a regular file, not an OCI layout directory$/);
    assert.deepEqual(JSON.parse(r.stdout), {
      error: {
        code: 'NOT_A_LAYOUT',
        kind: 'input',
        exitCode: 3,
        message: `oci:${d}/file: is a regular file, not an OCI layout directory`,
      },
    });
  });

  it('details are part of the object: the limit that was hit', async (t) => {
    const d = await tempDir(t);
    await writeLayoutDir(join(d, 'l'), await smallImage());
    await writeFile(join(d, 'l', 'index.json'), `${'['.repeat(100)}${']'.repeat(100)}`);
    const r = await pith(['validate', `oci:${d}/l`, '--json']);
    assertOneLine(r, 4, /index\.json: nested deeper than the limit of 64 levels of JSON nesting$/);
    const { error } = JSON.parse(r.stdout) as { error: Record<string, unknown> };
    assert.deepEqual(
      {
        code: error['code'],
        kind: error['kind'],
        exitCode: error['exitCode'],
        limit: error['limit'],
        max: error['max'],
      },
      { code: 'LIMIT_EXCEEDED', kind: 'invalid', exitCode: 4, limit: 'jsonDepth', max: 64 },
    );
  });

  it('usage errors too, and a failed validate prints its report, not a second object', async (t) => {
    const usage = await pith(['inspect', '--bogus', 'x', '--json']);
    assert.equal(usage.code, 2);
    assert.deepEqual(JSON.parse(usage.stdout), {
      error: { code: 'UNKNOWN_OPTION', kind: 'usage', exitCode: 2, message: "unknown option '--bogus'" },
    });
    const missing = await pith(['inspect', '--json']);
    assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'MISSING_ARGUMENT');
    const d = await tempDir(t);
    const img = await smallImage();
    await writeLayoutDir(join(d, 'l'), img);
    await writeFile(join(d, 'l', 'blobs', 'sha256', img.layers[0]!.descriptor.digest.slice(7)), 'corrupt');
    const v = await pith(['validate', `oci:${d}/l`, '--json']);
    assert.equal(v.code, 4, v.stderr);
    assert.equal((JSON.parse(v.stdout) as { valid: boolean }).valid, false, 'stdout is the report alone');
  });
});
