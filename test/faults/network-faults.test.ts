// Issue §2 at the command line, against a hostile proxy on 127.0.0.1: for the registry client (`copy`,
// `inspect`, `validate`) and the Debian mirror client (`build`: Packages index and .deb), a dropped
// connection, a stall and broken chunked framing each succeed when the next attempt is clean, and fail
// with exit 5 and one line (no stack trace, no "internal error") when no attempt is.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  type FakeRepo,
  failGets,
  type ProxyFault,
  type ProxyRule,
  startFakeRepo,
  startFaultProxy,
} from '../../src/testing/index.ts';
import { pith, tempDir } from '../helpers.ts';
import { frontedRegistry } from '../io/registry/fault-fixtures.ts';

/** The one line a failure prints: stderr holds it alone (progress is off), with no stack trace. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /);
}

const AT = 600_000;

describe('registry: copy, inspect and validate through network faults', () => {
  for (const [what, fault, env] of [
    ['a connection dropped mid-blob', { kind: 'drop', afterBytes: AT }, {}],
    ['a stalled blob', { kind: 'stall', afterBytes: AT }, { PITH_NETWORK_TIMEOUT: '1' }],
    ['broken chunked framing', { kind: 'bad-chunking', afterBytes: AT }, {}],
  ] as const satisfies [string, ProxyFault, Record<string, string>][]) {
    it(`copy recovers from ${what} when the next attempt is clean`, async (t) => {
      const f = await frontedRegistry(t, (img) => [failGets(img.layers[0]!.descriptor.digest, fault)]);
      const dir = await tempDir(t);
      const r = await pith(['copy', `docker://${f.ref}`, `oci:${dir}/out`, '--json'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).digest, f.image.manifest.digest);
      assert.match(r.stderr, new RegExp(`${f.layer.slice(0, 19)}… .* of .* \\(100%\\)`), 'byte progress');
      assert.doesNotMatch(r.stderr, /internal error/);
      const resumed = f.proxy.requests.filter((q) => q.path.endsWith(f.layer)).at(-1);
      assert.equal(resumed?.status, 206, 'resumed with Range');
      assert.equal((await pith(['validate', `oci:${dir}/out`])).code, 0);
    });
  }

  for (const [what, fault, env, reason] of [
    ['dropped', { kind: 'drop', afterBytes: 1000 }, {}, /ECONNRESET/],
    ['stalled', { kind: 'stall', afterBytes: 1000 }, { PITH_NETWORK_TIMEOUT: '0.5' }, /ETIMEDOUT/],
    ['broken chunked framing', { kind: 'bad-chunking', afterBytes: 1000 }, {}, /HPE_INVALID_CHUNK_SIZE/],
  ] as const satisfies [string, ProxyFault, Record<string, string>, RegExp][]) {
    it(`copy exits 5 with one line when every attempt is ${what}`, async (t) => {
      const f = await frontedRegistry(t, (img) => [
        failGets(img.layers[0]!.descriptor.digest, fault, Number.POSITIVE_INFINITY),
      ]);
      const dir = await tempDir(t);
      const r = await pith(['copy', `docker://${f.ref}`, `oci:${dir}/out`, '--quiet'], { env });
      assert.equal(r.code, 5, r.stderr);
      assertOneLine(
        r.stderr,
        new RegExp(
          `^pith: GET http://${f.proxy.host}/v2/faults/big/blobs/${f.layer}: connection lost after \\d+ of ${f.image.layers[0]!.descriptor.size} bytes \\(.+\\); gave up after 4 attempts$`,
        ),
      );
      assert.match(r.stderr, reason);
    });
  }

  it('inspect and validate recover from a manifest and a blob cut short', async (t) => {
    const f = await frontedRegistry(t, (img) => [
      failGets('/manifests/1', { kind: 'drop', afterBytes: 20 }, 2),
      failGets(img.layers[0]!.descriptor.digest, { kind: 'bad-chunking', afterBytes: AT }),
    ]);
    const inspected = await pith(['inspect', `docker://${f.ref}`, '--json']);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.equal(JSON.parse(inspected.stdout).digest, f.image.manifest.digest);
    const validated = await pith(['validate', `docker://${f.ref}`]);
    assert.equal(validated.code, 0, validated.stderr + validated.stdout);
  });

  it('validate exits 5 (the environment failed), not 4 (a broken image), when a blob never arrives whole', async (t) => {
    const f = await frontedRegistry(t, (img) => [
      failGets(
        img.layers[0]!.descriptor.digest,
        { kind: 'drop', afterBytes: 1000 },
        Number.POSITIVE_INFINITY,
      ),
    ]);
    const r = await pith(['validate', `docker://${f.ref}`]);
    assert.equal(r.code, 5, r.stderr + r.stdout);
    assertOneLine(r.stderr, /connection lost after \d+ of \d+ bytes .*gave up after 4 attempts$/);
  });

  it('a bad PITH_NETWORK_TIMEOUT is an input error', async (t) => {
    const f = await frontedRegistry(t, () => []);
    const r = await pith(['inspect', `docker://${f.ref}`], { env: { PITH_NETWORK_TIMEOUT: 'soon' } });
    assert.equal(r.code, 3, r.stderr);
    assertOneLine(r.stderr, /^pith: PITH_NETWORK_TIMEOUT must be a positive number of seconds, not "soon"$/);
  });
});

describe('Debian mirror: build through network faults', () => {
  let repo: FakeRepo;
  before(async () => {
    repo = await startFakeRepo([
      { name: 'trixie', packages: [{ name: 'app', version: '1.0-1', files: { 'usr/bin/app': 'app\n' } }] },
      { name: 'trixie-updates', packages: [] },
      { name: 'trixie-security', packages: [] },
    ]);
  });
  after(() => repo.close());

  /** A project building `app` from the fake repository (archive and security) through a faulty proxy. */
  async function project(t: TestContext, rules: ProxyRule[]) {
    const proxy = await startFaultProxy(new URL(repo.url).origin, rules);
    t.after(() => proxy.close());
    const through = (url: string) => `${proxy.url}${new URL(url).pathname}`;
    const dir = await tempDir(t);
    await writeFile(join(dir, 'fake.asc'), repo.publicKey);
    await writeFile(
      join(dir, 'pith.yaml'),
      `archs: [amd64]\nmirror:\n  archive: ${through(repo.url)}\n  security: ${through(repo.securityUrl)}\nkeyring: [fake.asc]\npackages: [app]\n`,
    );
    const build = (...extra: string[]) =>
      pith(['build', 'pith.yaml', '-o', 'oci:out', '--cache-dir', join(dir, 'cache'), '--quiet', ...extra], {
        cwd: dir,
      });
    return { archive: through(repo.url), proxy, build };
  }

  it('succeeds when a dropped .deb and a Packages index with broken framing are clean the next time', async (t) => {
    const { proxy, build } = await project(t, [
      failGets('/binary-amd64/by-hash/', { kind: 'bad-chunking', afterBytes: 40 }, 1),
      failGets('.deb', { kind: 'drop', afterBytes: 300, reset: true }, 1),
    ]);
    const r = await build();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...new Set(proxy.requests.filter((q) => q.fault).map((q) => q.fault))].sort(), [
      'bad-chunking',
      'drop',
    ]);
  });

  it('recovers from a stalled InRelease and a stalled .deb with --network-timeout, and refuses a bad value', async (t) => {
    const { proxy, build } = await project(t, [
      failGets('/InRelease', { kind: 'stall', afterBytes: 100 }, 1),
      failGets('.deb', { kind: 'stall', afterBytes: 300 }, 1),
    ]);
    const bad = await build('--network-timeout', 'soon');
    assert.equal(bad.code, 2, bad.stderr);
    assertOneLine(bad.stderr, /^pith: --network-timeout must be a positive number of seconds, not "soon"$/);
    const r = await build('--network-timeout', '0.5');
    assert.equal(r.code, 0, r.stderr);
    // the first attempt at each path stalls: three suites' InRelease and the one .deb
    assert.equal(proxy.requests.filter((q) => q.fault === 'stall').length, 4);
  });

  it('exits 5 with one line when every attempt at the .deb is cut short', async (t) => {
    const { archive, build } = await project(t, [
      failGets('.deb', { kind: 'drop', afterBytes: 300 }, Infinity),
    ]);
    const r = await build();
    assert.equal(r.code, 5, r.stderr);
    assertOneLine(
      r.stderr,
      new RegExp(
        `^pith: GET ${archive}/pool/main/a/app/app_1\\.0-1_amd64\\.deb: connection lost after 300 of \\d+ bytes \\(.+\\); gave up after 4 attempts$`,
      ),
    );
  });
});
