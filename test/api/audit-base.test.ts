// Is the base still the newest build of its tag? An image records its base (org.opencontainers.image.base.*);
// audit asks the base's registry (here pith/testing's memory registry on 127.0.0.1) which digest the tag
// names now (only when asked: checkBase): the same digest gives no finding; a newer push under the tag gives
// PITH-A014 naming both digests; offline, or not asked, nothing is asked; an unreachable registry is a
// warning, not a failure.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith, type PithEvent } from '../../src/api/index.ts';
import { bytesEntry } from '../../src/tar/index.ts';
import { startMemoryRegistry } from '../../src/testing/index.ts';
import { tempDir } from '../helpers.ts';
import { entriesLayout } from '../layout-helpers.ts';

it('a base with a newer build under its tag is PITH-A014; offline and unreachable registries are not', async (t) => {
  const dir = await tempDir(t);
  const registry = await startMemoryRegistry();
  t.after(() => registry.close());
  const warnings: PithEvent[] = [];
  const pith = createPith({
    cacheDir: join(dir, 'cache'),
    env: {},
    onEvent: (e) => e.type === 'warning' && warnings.push(e),
  });
  const baseRef = `${registry.host}/base:1`;
  const v1 = await entriesLayout(dir, 'v1', {}, [bytesEntry('etc/os-release', Buffer.from('ID=test\n'))]);
  const pushed = await pith.copy(v1, `docker://${baseRef}`);
  const app = (name: string, base: string) =>
    entriesLayout(
      dir,
      name,
      {
        config: { User: '65532' },
        annotations: {
          'org.opencontainers.image.base.name': base,
          'org.opencontainers.image.base.digest': pushed.digest,
        },
      },
      [bytesEntry('app', Buffer.from('ELF'))],
    );
  const ref = await app('app', baseRef);

  const fresh = (await pith.audit(ref, { checkBase: true })).images[0]!;
  assert.equal(fresh.base?.current, pushed.digest);
  assert.equal(fresh.findings.filter((f) => f.id === 'PITH-A014').length, 0);

  const v2 = await entriesLayout(dir, 'v2', {}, [
    bytesEntry('etc/os-release', Buffer.from('ID=test\nVERSION_ID=2\n')),
  ]);
  const newer = await pith.copy(v2, `docker://${baseRef}`);
  const stale = (await pith.audit(ref, { checkBase: true })).images[0]!;
  assert.equal(stale.base?.current, newer.digest);
  const a014 = stale.findings.filter((f) => f.id === 'PITH-A014');
  assert.deepEqual(
    a014.map((f) => f.message),
    [`${baseRef} is now ${newer.digest}; the image is built on ${pushed.digest}`],
  );

  assert.equal((await pith.audit(ref)).images[0]!.base?.current, undefined, 'not asked unless checkBase');
  const offline = createPith({ cacheDir: join(dir, 'cache'), env: {}, offline: true });
  assert.equal((await offline.audit(ref, { checkBase: true })).images[0]!.base?.current, undefined);

  await registry.close();
  const gone = (await pith.audit(ref, { checkBase: true })).images[0]!;
  assert.equal(gone.base?.current, undefined);
  assert.ok(
    warnings.some((w) => w.type === 'warning' && w.code === 'BASE_UNCHECKED'),
    JSON.stringify(warnings),
  );
});
