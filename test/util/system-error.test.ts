// System errors as PithErrors (util/system-error.ts): real errors from node:fs, node:net and node:dns map to
// the documented kinds (a missing or wrong-typed path: input; permissions, disks, network: io), the message
// names the attempt, a cause chain is looked through, and anything else is left alone.
import assert from 'node:assert/strict';
import { lstat, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  asSystemError,
  fileTypeName,
  fromSystemError,
  PithError,
  systemErrorCode,
} from '../../src/util/index.ts';
import { closedPort, tempDir } from '../helpers.ts';

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

describe('fromSystemError', () => {
  it('a missing file is input (3), named by the attempt', async (t) => {
    const dir = await tempDir(t);
    const err = fromSystemError(await caught(readFile(join(dir, 'nope'))), {
      where: 'oci:x',
      action: 'read x/nope',
    });
    assert.ok(err instanceof PithError);
    assert.equal(err.kind, 'input');
    assert.equal(err.code, 'ENOENT');
    assert.equal(err.message, 'oci:x: cannot read x/nope: no such file or directory (ENOENT)');
  });

  it('without a context the attempt comes from the error itself', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'f'), '');
    const err = fromSystemError(await caught(open(join(dir, 'f', 'g'))));
    assert.equal(err?.kind, 'input');
    assert.equal(
      err?.message,
      `cannot open ${join(dir, 'f', 'g')}: a component of the path is not a directory (ENOTDIR)`,
    );
  });

  it('ENOENT while creating (a file system that refuses, like /proc) is io (5)', async () => {
    const err = fromSystemError(await caught(mkdir('/proc/pith-test')), {
      action: 'write /proc/pith-test',
      writing: true,
    });
    assert.equal(err?.kind, 'io');
    assert.match(
      err!.message,
      /^cannot write \/proc\/pith-test: the file system does not allow creating it there \(ENOENT\)$/,
    );
  });

  it('a refused connection is io (5), naming the address, through a cause chain', async () => {
    const port = await closedPort();
    const refused = await new Promise<Error>((done) => connect(port, '127.0.0.1').on('error', done));
    const wrapped = new TypeError('fetch failed', { cause: refused });
    assert.equal(systemErrorCode(wrapped), 'ECONNREFUSED');
    const err = fromSystemError(wrapped);
    assert.equal(err?.kind, 'io');
    assert.equal(err?.message, `cannot connect to 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });

  it('TLS certificate failures are io (5) with the reason Node gives', () => {
    const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    const err = fromSystemError(tls, { action: 'connect to registry.example' });
    assert.equal(err?.kind, 'io');
    assert.equal(
      err?.message,
      'cannot connect to registry.example: TLS or connection failure: certificate has expired (CERT_HAS_EXPIRED)',
    );
  });

  it('PithErrors pass unchanged; bugs are not system errors', () => {
    const mine = new PithError('input', 'X', 'x');
    assert.equal(fromSystemError(mine), mine);
    assert.equal(fromSystemError(new TypeError('undefined is not a function')), undefined);
    const bug = new RangeError('boom');
    assert.equal(asSystemError(bug), bug);
  });
});

describe('fileTypeName', () => {
  it('names what a path is', async (t) => {
    const dir = await tempDir(t);
    assert.equal(fileTypeName(await lstat(dir)), 'a directory');
    assert.equal(fileTypeName(await lstat('/dev/null')), 'a character device');
  });
});
