// The signed fake Debian repository the cache tests share: trixie with `app` (which depends on `libfoo`),
// empty -updates and -security suites; and, for the registry tests, a memory registry beside it.
import { after, before } from 'node:test';
import {
  type FakeRepo,
  type MemoryRegistry,
  startFakeRepo,
  startMemoryRegistry,
} from '../../src/testing/index.ts';

export function startAppRepo(): Promise<FakeRepo> {
  return startFakeRepo([
    {
      name: 'trixie',
      packages: [
        { name: 'app', version: '1.0-1', depends: 'libfoo', files: { 'usr/bin/app': 'a'.repeat(40_000) } },
        { name: 'libfoo', version: '2.0-1', files: { 'usr/lib/libfoo.so.2': 'f'.repeat(20_000) } },
      ],
    },
    { name: 'trixie-updates', packages: [] },
    { name: 'trixie-security', packages: [] },
  ]);
}

/** The app repository and a memory registry for the tests of a file: started before, closed after. */
export function appRepoAndRegistry(): { repo: FakeRepo; registry: MemoryRegistry } {
  const servers = {} as { repo: FakeRepo; registry: MemoryRegistry };
  before(async () => {
    servers.repo = await startAppRepo();
    servers.registry = await startMemoryRegistry();
  });
  after(async () => {
    await servers.repo.close();
    await servers.registry.close();
  });
  return servers;
}
