// Transport references in skopeo's syntax, and bare paths classified by what is on disk.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTransportRef } from '../../../src/io/index.ts';
import { PithError } from '../../../src/util/index.ts';
import { tempDir } from '../../helpers.ts';

function badRef(err: unknown): boolean {
  return err instanceof PithError && err.code === 'BAD_TRANSPORT_REF' && err.kind === 'input';
}

describe('parseTransportRef', () => {
  it('oci:DIR', () => {
    assert.deepEqual(parseTransportRef('oci:out/hello'), { transport: 'oci', path: 'out/hello' });
  });

  it('oci:DIR:TAG', () => {
    assert.deepEqual(parseTransportRef('oci:out/hello:v1.0'), {
      transport: 'oci',
      path: 'out/hello',
      tag: 'v1.0',
    });
  });

  it('oci-archive:FILE:name/x:1 keeps the whole ref.name as tag', () => {
    assert.deepEqual(parseTransportRef('oci-archive:img.tar:name/x:1'), {
      transport: 'oci-archive',
      path: 'img.tar',
      tag: 'name/x:1',
    });
  });

  it('docker-archive:FILE', () => {
    assert.deepEqual(parseTransportRef('docker-archive:img.tar'), {
      transport: 'docker-archive',
      path: 'img.tar',
    });
  });

  it('docker-archive:FILE:busybox:1 normalises the name', () => {
    assert.deepEqual(parseTransportRef('docker-archive:/tmp/img.tar:busybox:1'), {
      transport: 'docker-archive',
      path: '/tmp/img.tar',
      name: { registry: 'docker.io', repository: 'library/busybox', tag: '1' },
    });
  });

  it('docker-archive:FILE:localhost:5000/a/b (registry with port, no tag)', () => {
    assert.deepEqual(parseTransportRef('docker-archive:f.tar:localhost:5000/a/b'), {
      transport: 'docker-archive',
      path: 'f.tar',
      name: { registry: 'localhost:5000', repository: 'a/b' },
    });
  });

  it('docker-archive:FILE:@2 selects by index', () => {
    assert.deepEqual(parseTransportRef('docker-archive:f.tar:@2'), {
      transport: 'docker-archive',
      path: 'f.tar',
      index: 2,
    });
    assert.deepEqual(parseTransportRef('docker-archive:f.tar:@0'), {
      transport: 'docker-archive',
      path: 'f.tar',
      index: 0,
    });
  });

  for (const [text, why] of [
    ['dir://busybox', 'unknown transport'],
    ['docker:busybox', 'docker without //'],
    ['containers-storage:busybox', 'unknown transport'],
    ['out/hello', 'no transport'],
    ['oci:', 'empty path'],
    ['oci::tag', 'empty path with a tag'],
    ['oci-archive:', 'empty path'],
    ['docker-archive:', 'empty path'],
    ['oci:out:bad tag', 'tag with a space'],
    ['oci:out:-tag', 'tag starting with -'],
    ['oci-archive:f.tar:a//b', 'empty ref.name component'],
    ['docker-archive:f.tar:@x', 'index that is not a number'],
    ['docker-archive:f.tar:@-1', 'negative index'],
    ['docker-archive:f.tar:@1.5', 'fractional index'],
  ] as const) {
    it(`rejects ${JSON.stringify(text)} (${why}) with BAD_TRANSPORT_REF`, () => {
      assert.throws(() => parseTransportRef(text), badRef);
    });
  }

  it('rejects a docker-archive name that is not a valid reference', () => {
    assert.throws(
      () => parseTransportRef('docker-archive:f.tar:Busybox:1'),
      (err: unknown) => err instanceof PithError && err.kind === 'input',
    );
  });

  it('rejects a docker-archive name with a digest', () => {
    assert.throws(() => parseTransportRef(`docker-archive:f.tar:busybox@sha256:${'a'.repeat(64)}`), badRef);
  });

  it('an unknown transport is refused even with allowBarePath when no such path exists', () => {
    assert.throws(() => parseTransportRef('dir://busybox', { allowBarePath: true }), badRef);
  });

  it('docker://HOST/REPO:TAG names a registry image, normalised', () => {
    assert.deepEqual(parseTransportRef('docker://127.0.0.1:5000/team/app:1'), {
      transport: 'docker',
      ref: { registry: '127.0.0.1:5000', repository: 'team/app', tag: '1' },
    });
    assert.deepEqual(parseTransportRef('docker://busybox'), {
      transport: 'docker',
      ref: { registry: 'docker.io', repository: 'library/busybox' },
    });
  });

  it('the message lists the transports', () => {
    assert.throws(() => parseTransportRef('nowhere'), /oci:PATH, oci-archive:PATH, docker-archive:PATH/);
  });
});

describe('parseTransportRef with allowBarePath', () => {
  it('a directory is an oci layout', async (t) => {
    const dir = await tempDir(t);
    assert.deepEqual(parseTransportRef(dir, { allowBarePath: true }), { transport: 'oci', path: dir });
  });

  it('a file is a docker-archive', async (t) => {
    const file = join(await tempDir(t), 'img.tar');
    await writeFile(file, 'x');
    assert.deepEqual(parseTransportRef(file, { allowBarePath: true }), {
      transport: 'docker-archive',
      path: file,
    });
  });

  it('an explicit transport still wins over the bare-path rule', async (t) => {
    const dir = await tempDir(t);
    assert.deepEqual(parseTransportRef(`oci-archive:${dir}`, { allowBarePath: true }), {
      transport: 'oci-archive',
      path: dir,
    });
  });

  it('a missing path is refused', async (t) => {
    const missing = join(await tempDir(t), 'nope');
    assert.throws(() => parseTransportRef(missing, { allowBarePath: true }), badRef);
  });
});
