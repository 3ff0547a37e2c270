// The command line as users meet it: write → read back → validate for every format (issue 2, point 4,
// through the CLI), inspect output, --help everywhere, documented exit codes, and the `pith` bin.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { pith, ROOT, run, tempDir } from '../helpers.ts';

const HELLO = 'examples/hello/pith.yaml';

describe('write, read back and validate, for every format, with a two-platform index', () => {
  for (const format of ['oci', 'oci-archive', 'docker-archive'] as const) {
    it(format, async (t) => {
      const dir = await tempDir(t);
      const ref =
        format === 'oci'
          ? `oci:${dir}/img:v1`
          : format === 'oci-archive'
            ? `oci-archive:${dir}/img.tar:v1`
            : `docker-archive:${dir}/img.tar:example/img:v1`;
      const built = await pith(['build', HELLO, '--output', ref, '--json'], {
        env: { SOURCE_DATE_EPOCH: '' },
      });
      assert.equal(built.code, 0, built.stderr);
      const b = JSON.parse(built.stdout) as { digest: string; images: { platform: string }[] };
      assert.deepEqual(
        b.images.map((i) => i.platform),
        ['linux/amd64', 'linux/arm64/v8'],
      );
      const v = await pith(['validate', ref, '--json']);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.deepEqual(JSON.parse(v.stdout), {
        reference: ref,
        digest: b.digest,
        valid: true,
        problems: [],
        images: 2,
      });
      const i = await pith(['inspect', ref, '--json']);
      assert.equal(i.code, 0, i.stderr);
      const { reference, ...inspected } = JSON.parse(i.stdout) as Record<string, unknown>;
      const { output, epoch, ...reported } = b as unknown as Record<string, unknown>;
      assert.equal(reference, ref);
      assert.equal(output, ref);
      assert.equal(epoch, 0);
      // a layout gets an SBOM per platform as a referrer (inspect lists them too); archives have no place
      assert.equal(
        (reported['referrers'] as unknown[] | undefined)?.length,
        format === 'oci' ? 2 : undefined,
      );
      assert.deepEqual(inspected, reported, 'inspect of what was written = what build reported');
    });
  }
});

test('inspect prints platforms, layers with sizes and the config', async (t) => {
  const dir = await tempDir(t);
  assert.equal((await pith(['build', HELLO, '--output', `oci:${dir}/l`])).code, 0);
  const r = await pith(['inspect', `${dir}/l`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /platforms {2}linux\/amd64, linux\/arm64\/v8/);
  assert.match(r.stdout, /entrypoint \["\/usr\/bin\/hello"\]/);
  assert.match(r.stdout, /user {7}65532/);
  assert.match(
    r.stdout,
    /layers \(2\):\n {4}sha256:[0-9a-f]{64} +\d+ B {2}application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip/,
  );
});

test('validate reports a corrupted layer with exit code 4 and names where', async (t) => {
  const dir = await tempDir(t);
  const built = await pith(['build', HELLO, '--output', `oci:${dir}/l`, '--json']);
  const layer = (JSON.parse(built.stdout) as { images: { layers: { digest: string }[] }[] }).images[1]!
    .layers[1]!.digest;
  const file = join(dir, 'l', 'blobs', 'sha256', layer.slice(7));
  const bytes = await readFile(file);
  bytes[bytes.length - 10]! ^= 0xff;
  await writeFile(file, bytes);
  const r = await pith(['validate', `oci:${dir}/l`]);
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stdout, /problem\(s\)/);
  assert.match(
    r.stdout,
    /index > manifests\[1\] \(linux\/arm64\/v8\) > layers\[1\]: descriptor digest sha256:[0-9a-f]+ but the blob hashes to/,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('usage errors exit 2; --help works on every command', async () => {
  assert.equal((await pith(['frobnicate'])).code, 2);
  assert.equal((await pith(['build', 'x.yaml'])).code, 2, 'missing --output');
  assert.equal((await pith(['inspect', '--bogus', 'x'])).code, 2);
  for (const cmd of [['build'], ['inspect'], ['validate'], ['copy']]) {
    const r = await pith([...cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: pith/);
    // every command that reads or writes images names every transport, docker:// included
    for (const transport of ['oci:DIR', 'oci-archive:FILE', 'docker-archive:FILE', 'docker://HOST/REPO'])
      assert.ok(r.stdout.includes(transport), `${cmd} --help lacks ${transport}:\n${r.stdout}`);
  }
  const top = (await pith(['--help'])).stdout;
  assert.match(top, /Exit codes:\n {2}0 {2}success/);
  assert.match(top, /--network-timeout <seconds>/);
  assert.match(top, /130, 143 {2}interrupted/);
});

test('reading something that is not an image: exit 3, one line', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'junk.tar'), 'not a tar at all'.repeat(64));
  for (const ref of [`oci:${dir}/missing`, `docker-archive:${dir}/junk.tar`, `oci-archive:${dir}/nope.tar`]) {
    const r = await pith(['inspect', ref]);
    assert.ok(r.code === 3 || r.code === 4, `${ref}: exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.deepEqual(await readdir(dir), ['junk.tar']);
});

test('the pith bin runs the CLI and refuses too old a Node.js', async () => {
  const ok = await run(process.execPath, [join(ROOT, 'bin/pith.js'), '--version']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), '0.1.0');
  const old = await run('/usr/bin/node', [join(ROOT, 'bin/pith.js'), '--version']);
  if ((await run('/usr/bin/node', ['--version'])).stdout.startsWith('v20')) {
    assert.equal(old.code, 5);
    assert.match(old.stderr, /too old; pith needs Node\.js 22\.18 or newer/);
  }
});

test('the published JSON Schemas are current', async () => {
  const { configJsonSchema } = await import('../../src/config/index.ts');
  const { policyJsonSchema } = await import('../../src/policy/index.ts');
  const committed = JSON.parse(await readFile(join(ROOT, 'schema/pith.schema.json'), 'utf8'));
  assert.deepEqual(committed, configJsonSchema(), 'run npm run schema');
  const policy = JSON.parse(await readFile(join(ROOT, 'schema/policy.schema.json'), 'utf8'));
  assert.deepEqual(policy, policyJsonSchema(), 'run npm run schema');
});

test('--arch amd64,amd64 builds one image, not an index of two identical platforms', async (t) => {
  const dir = await tempDir(t);
  const r = await pith([
    'build',
    join(ROOT, 'examples/hello/pith.yaml'),
    '--arch',
    'amd64,amd64',
    '-o',
    `oci:${dir}/out`,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { mediaType: string; images: { platform: string }[] };
  assert.deepEqual(
    report.images.map((i) => i.platform),
    ['linux/amd64'],
  );
  assert.equal(report.mediaType, 'application/vnd.oci.image.manifest.v1+json');
});
