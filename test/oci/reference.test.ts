// Image references: distribution/reference grammar with Docker's normalisation (docker.io, library/, latest).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  familiarName,
  formatReference,
  type ImageReference,
  parseReference,
  withDefaultTag,
} from '../../src/oci/index.ts';
import { PithError } from '../../src/util/index.ts';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

function isBadReference(err: unknown): boolean {
  return err instanceof PithError && err.code === 'BAD_REFERENCE' && err.kind === 'input';
}

describe('parseReference', () => {
  it('normalises a single-component Hub name: busybox → docker.io/library/busybox', () => {
    assert.deepEqual(parseReference('busybox'), { registry: 'docker.io', repository: 'library/busybox' });
  });

  it('keeps a Hub user repository without library/', () => {
    assert.deepEqual(parseReference('pith/hello:1'), {
      registry: 'docker.io',
      repository: 'pith/hello',
      tag: '1',
    });
  });

  it('parses a registry with a port, a nested path and a tag', () => {
    assert.deepEqual(parseReference('localhost:5000/a/b:1'), {
      registry: 'localhost:5000',
      repository: 'a/b',
      tag: '1',
    });
  });

  it('treats localhost and names with a dot as registries', () => {
    assert.deepEqual(parseReference('localhost/app'), { registry: 'localhost', repository: 'app' });
    assert.deepEqual(parseReference('ghcr.io/org/img:v1.2'), {
      registry: 'ghcr.io',
      repository: 'org/img',
      tag: 'v1.2',
    });
  });

  it('parses a digest, with or without a tag', () => {
    assert.deepEqual(parseReference(`ghcr.io/org/img@${D}`), {
      registry: 'ghcr.io',
      repository: 'org/img',
      digest: D,
    });
    assert.deepEqual(parseReference(`busybox:1.36@${D}`), {
      registry: 'docker.io',
      repository: 'library/busybox',
      tag: '1.36',
      digest: D,
    });
    assert.deepEqual(parseReference(`localhost:5000/a@${D}`), {
      registry: 'localhost:5000',
      repository: 'a',
      digest: D,
    });
  });

  it('accepts path separators . _ __ and runs of -', () => {
    assert.equal(parseReference('my_org/my.app__x---y:t').repository, 'my_org/my.app__x---y');
  });

  it('accepts tags up to 128 characters', () => {
    const tag = `a${'b'.repeat(127)}`;
    assert.equal(parseReference(`busybox:${tag}`).tag, tag);
    assert.equal(parseReference('busybox:_under.score-1').tag, '_under.score-1');
  });

  it('docker.io/busybox normalises to docker.io/library/busybox (as Docker does)', () => {
    assert.deepEqual(parseReference('docker.io/busybox:1'), {
      registry: 'docker.io',
      repository: 'library/busybox',
      tag: '1',
    });
  });

  it('index.docker.io is rewritten to docker.io (as Docker does)', () => {
    assert.deepEqual(parseReference('index.docker.io/pith/hello:1'), {
      registry: 'docker.io',
      repository: 'pith/hello',
      tag: '1',
    });
  });

  for (const [text, why] of [
    ['Busybox', 'uppercase repository'],
    ['pith/Hello', 'uppercase path component'],
    ['busybox:', 'empty tag'],
    ['busybox:-bad', 'tag starting with -'],
    ['busybox:.bad', 'tag starting with .'],
    ['busybox:bad/tag', 'registry port that is not a number'],
    ['my host:5000/a', 'registry with a space'],
    [`busybox:a${'b'.repeat(128)}`, 'tag of 129 characters'],
    ['busybox:t@sha256:abc', 'short digest'],
    [`busybox@sha256:${'A'.repeat(64)}`, 'uppercase digest'],
    ['busybox@', 'empty digest'],
    ['', 'empty'],
    ['a//b', 'empty path component'],
    ['a/b/', 'trailing slash'],
    ['-a/b', 'component starting with -'],
    ['a_/b', 'component ending with a separator'],
    ['a___b', 'three underscores'],
    [`${'a'.repeat(250)}/bcdefgh`, 'name longer than 255 characters'],
  ] as const) {
    it(`rejects ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} (${why})`, () => {
      assert.throws(() => parseReference(text), isBadReference);
    });
  }

  it('names the offending text in the message', () => {
    assert.throws(() => parseReference('Busybox'), /"Busybox"/);
  });
});

describe('formatReference / familiarName / withDefaultTag', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox', 'busybox'],
    ['busybox:latest', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['pith/hello:1', 'docker.io/pith/hello:1', 'pith/hello:1'],
    ['localhost:5000/a/b:1', 'localhost:5000/a/b:1', 'localhost:5000/a/b:1'],
    ['ghcr.io/library/x:2', 'ghcr.io/library/x:2', 'ghcr.io/library/x:2'],
  ];
  for (const [input, full, familiar] of cases) {
    it(`${input} → ${full} / ${familiar}`, () => {
      const r = parseReference(input);
      assert.equal(formatReference(r), full);
      assert.equal(familiarName(r), familiar);
      assert.deepEqual(parseReference(formatReference(r)), r);
    });
  }

  it('formatReference includes the digest', () => {
    const r = parseReference(`busybox:1@${D}`);
    assert.equal(formatReference(r), `docker.io/library/busybox:1@${D}`);
  });

  it('withDefaultTag adds latest only when neither tag nor digest is given', () => {
    assert.equal(withDefaultTag(parseReference('busybox')).tag, 'latest');
    assert.equal(withDefaultTag(parseReference('busybox:1')).tag, '1');
    const byDigest = withDefaultTag(parseReference(`busybox@${D}`));
    assert.equal(byDigest.tag, undefined);
    assert.equal(byDigest.digest, D);
    const r: ImageReference = { registry: 'docker.io', repository: 'library/busybox' };
    withDefaultTag(r);
    assert.equal(r.tag, undefined, 'the input is not mutated');
  });
});
