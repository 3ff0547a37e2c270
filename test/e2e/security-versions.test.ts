// Issue 7 §1 against the real mirror: for every package of every trixie and bookworm preset (debug variant,
// so busybox-static is included; amd64), the version `pith lock` picks is the one apt itself would install
// from the suite, its -updates and its -security suite together. The oracle is the host's apt (its own
// signature checks with the host's Debian keyring, its own version order and candidate policy) run in a
// private directory against the mirror the host's apt sources name: nothing of pith's resolver is used.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mirrorsFrom, readAptSources } from '../../src/apt-repo/index.ts';
import { pith, run, tempDir } from '../helpers.ts';
import { CACHE_DIR } from './helpers.ts';

const PRESETS: Record<string, string[]> = {
  trixie: ['static', 'base-nossl', 'base', 'cc', 'python3'],
  bookworm: ['static', 'base-nossl', 'base', 'cc'],
};
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** apt's options for a private root in `dir` (amd64 only; nothing of the host's apt state is touched). */
function aptOptions(dir: string): string[] {
  return [
    '-o',
    `Dir=${dir}`,
    '-o',
    `Dir::State::status=${dir}/var/lib/dpkg/status`,
    '-o',
    'APT::Architecture=amd64',
    '-o',
    'APT::Architectures=amd64',
    '-o',
    'Acquire::Languages=none',
    '-o',
    'APT::Sandbox::User=root',
    '-o',
    'Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false',
  ];
}

/** Runs `apt-get update` for suite, suite-updates and suite-security in a private root; returns it. */
async function aptRoot(dir: string, suite: string): Promise<string> {
  const { archive, security } = mirrorsFrom(await readAptSources());
  assert.ok(archive && security, 'the host apt sources name a Debian archive and security mirror');
  for (const d of [
    'etc/apt/sources.list.d',
    'etc/apt/preferences.d',
    'var/lib/apt/lists/partial',
    'var/lib/dpkg',
  ])
    await mkdir(join(dir, d), { recursive: true });
  await mkdir(join(dir, 'var/cache/apt/archives/partial'), { recursive: true });
  await writeFile(join(dir, 'var/lib/dpkg/status'), '');
  await writeFile(
    join(dir, 'etc/apt/sources.list.d/oracle.sources'),
    [
      `Types: deb\nURIs: ${archive}\nSuites: ${suite} ${suite}-updates\nComponents: main\nSigned-By: ${KEYRING}\n`,
      `Types: deb\nURIs: ${security}\nSuites: ${suite}-security\nComponents: main\nSigned-By: ${KEYRING}\n`,
    ].join('\n'),
  );
  const r = await run('apt-get', [...aptOptions(dir), '-qq', 'update']);
  assert.equal(r.code, 0, `apt-get update: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^[WE]:/m, `apt-get update complained:\n${r.stderr}`);
  return dir;
}

interface Candidate {
  version: string;
  /** The suites (as sources name them) that carry the candidate version. */
  suites: string[];
}

/** apt's candidate (the version `apt-get install` would pick) and the suites carrying it, per package. */
async function aptCandidates(root: string, names: string[]): Promise<Map<string, Candidate>> {
  const r = await run('apt-cache', [...aptOptions(root), 'policy', ...names]);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, Candidate>();
  for (const block of r.stdout.split(/\n(?=\S)/)) {
    const name = /^(\S+):/.exec(block)?.[1];
    const version = /^ {2}Candidate: (\S+)$/m.exec(block)?.[1];
    if (!name || !version || version === '(none)') continue;
    // Version table: "     VERSION PRIO" (or " *** VERSION PRIO"), then one "        PRIO URI SUITE/main amd64
    // Packages" line per source carrying it
    const rows = block.slice(block.indexOf('Version table:')).split('\n');
    const at = rows.findIndex(
      (l) =>
        l
          .replace(/^ \*\*\*/, '')
          .trim()
          .split(/\s+/)[0] === version,
    );
    const suites: string[] = [];
    for (const row of rows.slice(at + 1)) {
      const m = /^ {8}\d+ \S+ (\S+)\/main amd64 Packages$/.exec(row);
      if (!m) break;
      suites.push(m[1]!);
    }
    out.set(name, { version, suites });
  }
  return out;
}

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
