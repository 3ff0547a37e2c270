// The host's apt as an oracle, in a private root: `apt-get update` of a suite with its -updates and -security
// suites from the mirror the host's apt sources name (apt's own signature checks with the host's Debian
// keyring), then apt's candidate version per package: what `apt-get install` would pick.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mirrorsFrom, readAptSources } from '../../src/apt-repo/index.ts';
import { run } from '../helpers.ts';

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
export async function aptRoot(dir: string, suite: string): Promise<string> {
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

export interface Candidate {
  version: string;
  /** The suites (as sources name them) that carry the candidate version. */
  suites: string[];
}

/** apt's candidate (the version `apt-get install` would pick) and the suites carrying it, per package. */
export async function aptCandidates(root: string, names: string[]): Promise<Map<string, Candidate>> {
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
