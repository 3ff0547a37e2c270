// Platforms: `os/arch[/variant]` text, and matching with containerd's variant normalisation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatPlatform,
  hostPlatform,
  type Platform,
  parsePlatform,
  platformMatches,
} from '../../src/oci/index.ts';
import { PithError } from '../../src/util/index.ts';

describe('parsePlatform / formatPlatform', () => {
  it('parses os/arch', () => {
    assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  });

  it('parses os/arch/variant', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('linux/ppc64le/power9'), {
      os: 'linux',
      architecture: 'ppc64le',
      variant: 'power9',
    });
  });

  for (const bad of [
    'linux',
    'linux/',
    '/amd64',
    'linux/arm/v7/extra',
    'Linux/amd64',
    'linux/amd 64',
    '',
    'linux//v7',
  ]) {
    it(`rejects ${JSON.stringify(bad)} with BAD_PLATFORM`, () => {
      assert.throws(
        () => parsePlatform(bad),
        (err: unknown) => err instanceof PithError && err.code === 'BAD_PLATFORM' && err.kind === 'input',
      );
    });
  }

  it('formats with and without a variant, and round trips', () => {
    assert.equal(formatPlatform({ os: 'linux', architecture: 'amd64' }), 'linux/amd64');
    assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7');
    for (const text of ['linux/amd64', 'linux/arm/v6', 'linux/riscv64'])
      assert.equal(formatPlatform(parsePlatform(text)), text);
  });
});

describe('platformMatches', () => {
  const p = (text: string): Platform => parsePlatform(text);

  it('matches equal platforms', () => {
    assert.equal(platformMatches(p('linux/amd64'), p('linux/amd64')), true);
    assert.equal(platformMatches(p('linux/arm/v6'), p('linux/arm/v6')), true);
  });

  it('arm64 matches arm64/v8 both ways', () => {
    assert.equal(platformMatches(p('linux/arm64'), p('linux/arm64/v8')), true);
    assert.equal(platformMatches(p('linux/arm64/v8'), p('linux/arm64')), true);
  });

  it('arm means arm/v7', () => {
    assert.equal(platformMatches(p('linux/arm'), p('linux/arm/v7')), true);
    assert.equal(platformMatches(p('linux/arm/v7'), p('linux/arm')), true);
    assert.equal(platformMatches(p('linux/arm/v6'), p('linux/arm')), false);
    assert.equal(platformMatches(p('linux/arm'), p('linux/arm/v6')), false);
  });

  it('different variants do not match', () => {
    assert.equal(platformMatches(p('linux/arm/v6'), p('linux/arm/v7')), false);
    assert.equal(platformMatches(p('linux/arm64/v8'), p('linux/arm64/v9')), false);
  });

  it('a wanted platform without variant accepts any variant of an arch without a default', () => {
    assert.equal(platformMatches(p('linux/amd64'), p('linux/amd64/v3')), true);
  });

  it('different os or architecture never match', () => {
    assert.equal(platformMatches(p('linux/amd64'), p('linux/arm64')), false);
    assert.equal(platformMatches(p('linux/amd64'), p('windows/amd64')), false);
    assert.equal(platformMatches(p('linux/arm'), p('linux/arm64')), false);
  });
});

describe('hostPlatform', () => {
  it('is linux with a GOARCH-style architecture', () => {
    const h = hostPlatform();
    assert.equal(h.os, 'linux');
    const expected: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386' };
    if (expected[process.arch]) assert.equal(h.architecture, expected[process.arch]);
    if (h.architecture === 'arm64') assert.equal(h.variant, 'v8');
  });

  it("maps each of Node's architectures, and passes an unknown one through", () => {
    const table = Object.fromEntries(
      ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'].map((a) => [
        a,
        formatPlatform(hostPlatform(a)),
      ]),
    );
    assert.deepEqual(table, {
      x64: 'linux/amd64',
      arm64: 'linux/arm64/v8',
      arm: 'linux/arm',
      ia32: 'linux/386',
      ppc64: 'linux/ppc64le',
      s390x: 'linux/s390x',
      riscv64: 'linux/riscv64',
      loong64: 'linux/loong64',
    });
  });
});
