// Issue 7 §1 against the real mirror: for every package of every trixie and bookworm preset (debug variant,
// so busybox-static is included; amd64), the version `pith lock` picks is the one apt itself would install
// from the suite, its -updates and its -security suite together. The oracle is the host's apt (its own
// signature checks with the host's Debian keyring, its own version order and candidate policy) run in a
// private directory against the mirror the host's apt sources name: nothing of pith's resolver is used.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pith, tempDir } from '../helpers.ts';
import { aptCandidates, aptRoot } from './apt-oracle.ts';
import { CACHE_DIR } from './helpers.ts';

const PRESETS: Record<string, string[]> = {
  trixie: ['static', 'base-nossl', 'base', 'cc', 'python3'],
  bookworm: ['static', 'base-nossl', 'base', 'cc'],
};
interface LockFile {
  archs: Record<string, { name: string; version: string; suite: string }[]>;
}

async function pithLock(dir: string, suite: string, preset: string): Promise<LockFile> {
  const r = await pith(
    [
      'lock',
      '--preset',
      preset,
      '--variant',
      'debug',
      '--suite',
      suite,
      '--arch',
      'amd64',
      '--cache-dir',
      CACHE_DIR,
      '--json',
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 0, `pith lock --preset ${preset} --suite ${suite}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /warning/, 'an unpinned preset never installs a version behind security');
  return (JSON.parse(r.stdout) as { lock: LockFile }).lock;
}

describe('every preset installs the highest version across the suite, -updates and -security (apt as the oracle)', () => {
  for (const [suite, presets] of Object.entries(PRESETS)) {
    it(`${suite}: ${presets.join(', ')}`, async (t) => {
      const dir = await tempDir(t);
      const root = await aptRoot(join(dir, 'apt'), suite);
      let fromSecurity = 0;
      for (const preset of presets) {
        const work = join(dir, preset);
        await mkdir(work);
        const lock = await pithLock(work, suite, preset);
        const pkgs = lock.archs['amd64'] ?? [];
        assert.ok(pkgs.length > 0, `${preset} installs packages`);
        const apt = await aptCandidates(
          root,
          pkgs.map((p) => p.name),
        );
        const mismatches = pkgs.flatMap((p) => {
          const want = apt.get(p.name);
          return want?.version === p.version && want.suites.includes(p.suite)
            ? []
            : [
                `${p.name}: pith ${p.version} from ${p.suite}; apt ${want?.version ?? 'no candidate'} from ${want?.suites.join(', ') || '-'}`,
              ];
        });
        assert.deepEqual(mismatches, [], `${suite} ${preset}: pith's versions differ from apt's candidates`);
        fromSecurity += pkgs.filter((p) => p.suite === `${suite}-security`).length;
      }
      t.diagnostic(`${suite}: ${fromSecurity} package versions came from ${suite}-security`);
      const lockText = await readFile(join(dir, presets[0]!, 'pith.lock.json'), 'utf8');
      assert.match(
        lockText,
        new RegExp(`"suite": "${suite}-security"`),
        'the lock records the security suite',
      );
    });
  }
});
