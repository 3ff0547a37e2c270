// The public surface of src/tar is exactly what other modules are written against.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tar from '../../src/tar/index.ts';

test('exports the agreed API and nothing else at runtime', () => {
  assert.deepEqual(Object.keys(tar).sort(), [
    'FileTree',
    'TAR_ERROR_CODES',
    'bytesEntry',
    'dirEntry',
    'indexTarFile',
    'isZeroBlock',
    'nameFromBytes',
    'nameToBytes',
    'normalizeImagePath',
    'readTar',
    'readTarFile',
    'spanContent',
    'streamTar',
    'symlinkEntry',
    'verifyChecksum',
    'writeTar',
  ]);
  assert.equal(typeof new tar.FileTree().entries, 'function');
});
