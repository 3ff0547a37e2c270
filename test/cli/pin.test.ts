// `pith pin` against the in-memory registry: --check exits 6 listing what is unpinned, pin rewrites
// exactly the image references (stage names, scratch and ARG-based refs untouched) with the digests the
// registry serves, and a second --check passes; against a registry whose Docker-Content-Digest header lies,
// the pin is the hash of the manifest received (what a pull gets).
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pushRemote } from '../../src/io/index.ts';
import { parseReference } from '../../src/oci/index.ts';
import { type MemoryRegistry, startMemoryRegistry } from '../../src/testing/index.ts';
import { pith, tempDir } from '../helpers.ts';
import { smallImage } from '../oci/fixtures.ts';

let reg: MemoryRegistry;
before(async () => {
  reg = await startMemoryRegistry({});
});
after(() => reg.close());

test('pin --check, pin, and --check again', async (t) => {
  const dir = await tempDir(t);
  const pushed = await pith([
    'build',
    'examples/hello/pith.yaml',
    '--output',
    `docker://${reg.host}/pith/hello:1`,
    '--json',
  ]);
  assert.equal(pushed.code, 0, pushed.stderr);
  const digest = (JSON.parse(pushed.stdout) as { digest: string }).digest;
  const dockerfile = join(dir, 'Dockerfile');
  const original = [
    'ARG BASE=debian:12',
    `FROM --platform=$BUILDPLATFORM ${reg.host}/pith/hello:1 AS build`,
    'FROM ${BASE} AS other',
    'FROM scratch',
    'COPY --from=build /usr/bin/hello /hello',
    `COPY --from=${reg.host}/pith/hello:1 /etc/passwd /etc/passwd`,
    '',
  ].join('\n');
  await writeFile(dockerfile, original);
  const k8s = join(dir, 'deploy.yaml');
  await writeFile(
    k8s,
    `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app # the app\n      image: "${reg.host}/pith/hello:1"\n`,
  );

  const check = await pith(['pin', '--check', dockerfile, k8s]);
  assert.equal(check.code, 6, check.stderr);
  assert.match(check.stderr, /not pinned to a digest:/);
  assert.equal((check.stderr.match(/pith\/hello:1/g) ?? []).length, 3);
  assert.equal(await readFile(dockerfile, 'utf8'), original, '--check changes nothing');

  const pinned = await pith(['pin', dockerfile, k8s, '--json']);
  assert.equal(pinned.code, 0, pinned.stderr);
  const expected = original.replaceAll(`${reg.host}/pith/hello:1`, `${reg.host}/pith/hello:1@${digest}`);
  assert.equal(await readFile(dockerfile, 'utf8'), expected);
  assert.equal(
    await readFile(k8s, 'utf8'),
    `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app # the app\n      image: "${reg.host}/pith/hello:1@${digest}"\n`,
  );
  assert.equal((await pith(['pin', '--check', dockerfile, k8s])).code, 0);
});

test('pin uses the hash of the manifest received, not a lying Docker-Content-Digest header', async (t) => {
  const liar = await startMemoryRegistry({
    faults: [{ match: (r) => r.path.includes('/manifests/'), action: 'wrong-digest-header' }],
  });
  t.after(() => liar.close());
  const image = await smallImage();
  await pushRemote(parseReference(`${liar.host}/lies/app:1`), image);
  const dir = await tempDir(t);
  const dockerfile = join(dir, 'Dockerfile');
  await writeFile(dockerfile, `FROM ${liar.host}/lies/app:1\n`);
  const pinned = await pith(['pin', dockerfile]);
  assert.equal(pinned.code, 0, pinned.stderr);
  assert.equal(await readFile(dockerfile, 'utf8'), `FROM ${liar.host}/lies/app:1@${image.manifest.digest}\n`);
  const dest = join(dir, 'copy');
  const copied = await pith(['copy', `docker://${liar.host}/lies/app:1`, `oci:${dest}`, '--json']);
  assert.equal(copied.code, 0, copied.stderr);
  assert.equal(JSON.parse(copied.stdout).digest, image.manifest.digest, 'what a pull gets');
});
