// pin's engine: format detection, one resolver call per distinct reference, and failures collected
// into one PIN_FAILED error after every reference was tried.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat, pinText, type Resolve } from '../../src/pin/index.ts';
import { type Digest, PithError } from '../../src/util/index.ts';
import { fakeResolver, pinned } from './fake-resolver.ts';

describe('detectFormat', () => {
  const cases: [string, string][] = [
    ['Dockerfile', 'dockerfile'],
    ['path/to/Dockerfile', 'dockerfile'],
    ['Dockerfile.dev', 'dockerfile'],
    ['build.dockerfile', 'dockerfile'],
    ['Containerfile', 'dockerfile'],
    ['app.Containerfile', 'dockerfile'],
    ['dockerfile', 'dockerfile'],
    ['pith.yaml', 'yaml'],
    ['k8s/deploy.yml', 'yaml'],
    ['compose.YAML', 'yaml'],
  ];
  for (const [name, format] of cases)
    it(`${name} → ${format}`, () => assert.equal(detectFormat(name, ''), format));

  it('sniffs a Dockerfile under another name from its first instruction', () => {
    assert.equal(
      detectFormat('build/image', '# syntax=docker/dockerfile:1\n\nARG X=1\nFROM alpine\n'),
      'dockerfile',
    );
    assert.equal(detectFormat('notes', '  from alpine'), 'dockerfile');
  });

  it('refuses anything else', () => {
    assert.throws(
      () => detectFormat('notes.txt', 'hello'),
      (e: unknown) => e instanceof PithError && e.code === 'PIN_UNKNOWN_FORMAT',
    );
  });
});

describe('pinText: resolution', () => {
  it('resolves each distinct tag once, normalised, with latest for untagged references', async () => {
    const fake = fakeResolver();
    const text =
      'FROM alpine\nFROM docker.io/library/alpine:latest AS a\nFROM index.docker.io/alpine\nFROM alpine:3\n';
    const r = await pinText(text, 'dockerfile', fake.resolve);
    assert.deepEqual(fake.calls.sort(), ['docker.io/library/alpine:3', 'docker.io/library/alpine:latest']);
    assert.equal(r.changes.length, 4);
    assert.equal(r.text.split('\n')[0], `FROM ${pinned('alpine')}`);
  });

  it('passes the resolver a reference without a digest', async () => {
    const seen: unknown[] = [];
    const resolve: Resolve = async (ref) => {
      seen.push(ref);
      return `sha256:${'a'.repeat(64)}`;
    };
    await pinText(`FROM ghcr.io/o/x:1@sha256:${'b'.repeat(64)}\n`, 'dockerfile', resolve, { update: true });
    assert.deepEqual(seen, [{ registry: 'ghcr.io', repository: 'o/x', tag: '1' }]);
  });

  it('tries every reference, then throws one PIN_FAILED listing each failure by line:col', async () => {
    const fake = fakeResolver({
      'docker.io/library/nope:1': 'manifest unknown',
      'ghcr.io/o/private:2': 'unauthorized',
    });
    const text = 'FROM nope:1\nFROM alpine:3\nCOPY --from=ghcr.io/o/private:2 / /\n';
    await assert.rejects(pinText(text, 'dockerfile', fake.resolve), (err: unknown) => {
      assert.ok(err instanceof PithError);
      assert.equal(err.code, 'PIN_FAILED');
      assert.equal(err.kind, 'input');
      assert.equal(
        err.message,
        'could not resolve 2 image references:\n  1:6 nope:1: manifest unknown\n  3:13 ghcr.io/o/private:2: unauthorized',
      );
      assert.deepEqual(err.details, {
        failures: [
          { line: 1, column: 6, ref: 'nope:1', message: 'manifest unknown' },
          { line: 3, column: 13, ref: 'ghcr.io/o/private:2', message: 'unauthorized' },
        ],
      });
      assert.ok(err.cause instanceof AggregateError);
      return true;
    });
    assert.equal(fake.calls.length, 3);
  });

  it('treats a resolver answer that is not a digest as a failure', async () => {
    const resolve: Resolve = async () => 'latest' as Digest;
    await assert.rejects(
      pinText('from: x\n', 'yaml', resolve),
      (e: unknown) =>
        e instanceof PithError && e.code === 'PIN_FAILED' && /"latest", not a digest/.test(e.message),
    );
  });

  it('accepts sha512 digests from the resolver', async () => {
    const d = `sha512:${'c'.repeat(128)}` as Digest;
    const r = await pinText('FROM alpine:3\n', 'dockerfile', async () => d);
    assert.equal(r.text, `FROM alpine:3@${d}\n`);
  });
});
