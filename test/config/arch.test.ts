// The host's Debian architecture is derived from oci's hostPlatform (one map of Node's process.arch):
// each Node architecture gives the Debian name whose OCI platform matches, and both agree on this machine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archPlatform, hostArch } from '../../src/config/index.ts';
import { hostPlatform, platformMatches } from '../../src/oci/index.ts';

describe('hostArch', () => {
  it("names the Debian architecture of each of Node's", () => {
    const table = Object.fromEntries(
      ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64'].map((a) => [a, hostArch(a)]),
    );
    assert.deepEqual(table, {
      x64: 'amd64',
      arm64: 'arm64',
      arm: 'armhf',
      ia32: 'i386',
      ppc64: 'ppc64el',
      s390x: 's390x',
      riscv64: 'riscv64',
    });
  });

  it('falls back to amd64 for an architecture with no Debian name here', () => {
    assert.equal(hostArch('loong64'), 'amd64');
  });

  it("agrees with hostPlatform on this machine's architecture", (t) => {
    const host = hostPlatform();
    if (!['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64'].includes(host.architecture))
      return t.skip(`no Debian architecture for ${host.architecture}`);
    assert.ok(platformMatches(host, archPlatform(hostArch())));
  });
});
