// normalizeImagePath (strict, for building images) and normalizeArchivePath (lenient, for reading).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeImagePath } from '../../src/tar/index.ts';
import { normalizeArchivePath } from '../../src/tar/safe-path.ts';
import { PithError } from '../../src/util/index.ts';

describe('normalizeImagePath', () => {
  test('accepts every spelling of a path', () => {
    const cases: [string, string][] = [
      ['/usr/bin/x', 'usr/bin/x'],
      ['usr/bin/x', 'usr/bin/x'],
      ['./a', 'a'],
      ['a//b/', 'a/b'],
      ['a/./b', 'a/b'],
      ['a/../b', 'b'],
      ['/a/b/../../c/', 'c'],
      ['/', ''],
      ['.', ''],
      ['./', ''],
      ['a/..', ''],
      ['ünï/日本', 'ünï/日本'],
      ['...', '...'],
      ['..a/b..', '..a/b..'],
    ];
    for (const [input, want] of cases) assert.equal(normalizeImagePath(input), want, input);
  });

  test('rejects escapes from the root', () => {
    for (const p of ['..', '../x', '/a/../../b', 'a/b/../../../c', './..']) {
      assert.throws(
        () => normalizeImagePath(p),
        (e: unknown) => e instanceof PithError && e.code === 'PATH_TRAVERSAL' && e.kind === 'input',
        p,
      );
    }
  });

  test('rejects NUL bytes and the empty string', () => {
    for (const p of ['', 'a\0b']) {
      assert.throws(
        () => normalizeImagePath(p),
        (e: unknown) => e instanceof PithError && e.code === 'BAD_PATH' && e.kind === 'input',
      );
    }
  });
});

describe('normalizeArchivePath', () => {
  test("strips './', leading and trailing '/', keeps '..' for auditors to see", () => {
    assert.equal(normalizeArchivePath('./etc/passwd'), 'etc/passwd');
    assert.equal(normalizeArchivePath('/etc//x/'), 'etc/x');
    assert.equal(normalizeArchivePath('./'), '');
    assert.equal(normalizeArchivePath('.'), '');
    assert.equal(normalizeArchivePath('plain'), 'plain');
    assert.equal(normalizeArchivePath('../../etc/shadow'), '../../etc/shadow');
  });
});
