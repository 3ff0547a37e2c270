// Building from Debian packages against the signed fake repository on 127.0.0.1 (issue 3, point 1, the
// hermetic half): packages resolve across the suite, -updates and -security (the higher version wins),
// layers carry the files and status.d, the lock pins them; a tampered .deb, InRelease or Packages index is
// refused with a clear error and no output is written; two builds sharing one cache at once both succeed.
// Builds and locks call the library API in process (one pith instance per cache and offline setting); one
// CLI build checks how a warning is printed on stderr.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPith, type PithEvent } from '../../src/api/index.ts';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { pith as cli, run, tempDir } from '../helpers.ts';
import { assertRefused } from './files-helpers.ts';

let repo: FakeRepo;

before(async () => {
  repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [
        {
          name: 'app',
          version: '1.0-1',
          depends: 'libfoo (>= 1.1), debconf | debconf-2.0',
          files: {
            'usr/bin/app': '#!app\n',
            'usr/share/doc/app/copyright': 'app copyright\n',
            'usr/share/doc/app/changelog.gz': 'x'.repeat(5000),
            'usr/share/man/man1/app.1.gz': 'y'.repeat(3000),
          },
        },
        { name: 'libfoo', version: '1.0-1', files: { 'lib/x86_64-linux-gnu/libfoo.so.1': 'old foo\n' } },
        { name: 'debconf', version: '1.5', arch: 'all' },
        { name: 'libbar', version: '2.0-1' },
      ],
    },
    { name: 'trixie-updates', packages: [] },
    {
      name: 'trixie-security',
      packages: [
        {
          name: 'libfoo',
          version: '1.1-1+deb13u1',
          files: { 'lib/x86_64-linux-gnu/libfoo.so.1': 'fixed foo\n' },
        },
        { name: 'libbar', version: '2.0-1+deb13u1' },
      ],
    },
  ]);
});
after(() => repo.close());

async function project(t: Parameters<typeof tempDir>[0], extra = ''): Promise<string> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'fake.asc'), repo.publicKey);
  await writeFile(
    join(dir, 'pith.yaml'),
    `archs: [amd64]\nmirror:\n  archive: ${repo.url}\n  security: ${repo.securityUrl}\nkeyring: [fake.asc]\npackages: [app]\nexclude: [debconf]\n${extra}`,
  );
  return dir;
}

/** A pith instance on `cacheDir` that ignores the environment; `onEvent` hears its progress and warnings. */
function pithOn(cacheDir: string, opts: { offline?: boolean; onEvent?: (e: PithEvent) => void } = {}) {
  return createPith({ cacheDir, env: {}, ...opts });
}

async function layerListing(layout: string): Promise<string> {
  const r = await run('bash', [
    '-c',
    `for f in $(ls ${layout}/blobs/sha256); do tar -tvzf ${layout}/blobs/sha256/$f 2>/dev/null; done`,
  ]);
  return r.stdout;
}

describe('Debian packages from a signed fake repository', () => {
  it('resolves across suites, installs files and status.d, drops docs but keeps copyright, and locks', async (t) => {
    const dir = await project(t);
    const config = join(dir, 'pith.yaml');
    const pith = pithOn(join(dir, 'cache'));
    const report = await pith.build({ config, output: `oci:${join(dir, 'out')}` });
    assert.deepEqual(
      report.debian![0]!.packages.map((p) => `${p.name}=${p.version}@${p.origin}`),
      ['app=1.0-1@trixie/main', 'libfoo=1.1-1+deb13u1@trixie-security/main'],
    );
    assert.equal(report.debian![0]!.droppedDocBytes, 8000);
    const listing = await layerListing(join(dir, 'out'));
    assert.match(listing, / usr\/bin\/app\n/);
    assert.match(
      listing,
      / usr\/lib\/x86_64-linux-gnu\/libfoo\.so\.1\n/,
      'merged /usr: lib/ moved under usr/',
    );
    assert.doesNotMatch(listing, / lib\/x86_64-linux-gnu/);
    assert.match(listing, / usr\/share\/doc\/app\/copyright\n/);
    assert.doesNotMatch(listing, /changelog\.gz|app\.1\.gz/);
    assert.match(listing, / var\/lib\/dpkg\/status\.d\/app\n/);
    assert.match(listing, / var\/lib\/dpkg\/status\.d\/libfoo\.md5sums\n/);
    assert.doesNotMatch(listing, /status\.d\/debconf/);
    const validate = await pith.validate(`oci:${join(dir, 'out')}`);
    assert.ok(validate.valid, JSON.stringify(validate.problems));

    const locked = await pith.lock({ config });
    assert.equal(locked.file, join(dir, 'pith.lock.json'));
    assert.deepEqual(
      locked.lock.archs['amd64']!.map((p) => [p.name, p.suite, p.reason, p.requiredBy]),
      [
        ['app', 'trixie', 'requested', undefined],
        ['libfoo', 'trixie-security', 'depends', 'app'],
      ],
    );
    assert.deepEqual(
      locked.lock.suites.map((s) => s.suite),
      ['trixie', 'trixie-updates', 'trixie-security'],
    );
    const again = await pithOn(join(dir, 'cache'), { offline: true }).build({
      config,
      output: `oci:${join(dir, 'again')}`,
      locked: true,
    });
    assert.equal(again.digest, report.digest, 'a --locked offline rebuild is identical');
  });

  for (const [what, match, code, message] of [
    [
      'a tampered .deb',
      'app_1.0-1_amd64.deb',
      'HASH_MISMATCH',
      /app 1\.0-1 \(.*app_1\.0-1_amd64\.deb\): got \d+ bytes with sha256 [0-9a-f]{64}; the verified trixie\/main index lists/,
    ],
    [
      'a tampered InRelease',
      'InRelease',
      'RELEASE_SIGNATURE_INVALID',
      /dists\/trixie\/InRelease: InRelease has no valid signature from a trusted key/,
    ],
    ['a tampered Packages index', 'binary-amd64', 'HASH_MISMATCH', /Packages\.xz.*the signed Release lists/],
  ] as const) {
    it(`refuses ${what}, names it, and writes nothing`, async (t) => {
      const dir = await project(t);
      repo.tamper = (path, body) => {
        if (!path.includes(match) || (match === 'InRelease' && !path.startsWith('debian/dists/trixie/')))
          return undefined;
        if (match === 'InRelease')
          return Buffer.from(body.toString().replace('Codename: trixie', 'Codename: trixiE'));
        const copy = Buffer.from(body);
        copy[copy.length - 20]! ^= 0xff;
        return copy;
      };
      try {
        const build = pithOn(join(dir, 'cache')).build({
          config: join(dir, 'pith.yaml'),
          output: `oci:${join(dir, 'out')}`,
        });
        const err = await assertRefused(build, 'invalid', message);
        assert.equal(err.code, code);
      } finally {
        repo.tamper = undefined;
      }
      const left = (await readdir(dir)).filter((n) => n !== 'cache').sort();
      assert.deepEqual(left, ['fake.asc', 'pith.yaml'], 'no output written');
    });
  }

  it('two builds sharing one empty cache at the same time both succeed with the same digest', async (t) => {
    const dir = await project(t);
    const cache = join(dir, 'shared-cache');
    const config = join(dir, 'pith.yaml');
    // two instances, as two users of one cache would be: they share nothing but the directory
    const [a, b] = await Promise.all([
      pithOn(cache).build({ config, output: `oci:${join(dir, 'a')}` }),
      pithOn(cache).build({ config, output: `oci:${join(dir, 'b')}` }),
    ]);
    assert.equal(a.digest, b.digest);
    assert.deepEqual(
      (await readdir(join(cache, 'sha256'))).filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary files left in the cache',
    );
  });

  it('warns, in the report, as an event and on stderr, when a pin installs a version the security suite superseded', async (t) => {
    const dir = await project(t);
    const cache = join(dir, 'cache');
    await writeFile(
      join(dir, 'pith.yaml'),
      `${await readFile(join(dir, 'pith.yaml'), 'utf8')}`.replace(
        'packages: [app]',
        'packages: [app, "libbar (= 2.0-1)"]',
      ),
    );
    const warnings: PithEvent[] = [];
    const pith = pithOn(cache, { onEvent: (e) => e.type === 'warning' && warnings.push(e) });
    const report = await pith.build({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, 'out')}` });
    const warning =
      'amd64: libbar 2.0-1 is older than 2.0-1+deb13u1 in trixie-security: its security fixes are left out by "libbar (= 2.0-1)"';
    assert.deepEqual(report.warnings, [warning]);
    assert.deepEqual(warnings, [{ type: 'warning', code: 'BEHIND_SECURITY', message: warning }]);
    const lock = await pith.lock({ config: join(dir, 'pith.yaml') });
    assert.deepEqual(lock.warnings, [warning]);
    // the CLI prints it on stderr, on its own line (and in --json's report), from the now warm cache
    const r = await cli(['build', 'pith.yaml', '-o', 'oci:cli', '--cache-dir', cache, '--json'], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { warnings?: string[] }).warnings, [warning]);
    assert.ok(r.stderr.includes(`pith: warning: ${warning}\n`), r.stderr);
    // without the pin the security version is installed and nothing is said
    const dir2 = await project(t, '');
    warnings.length = 0;
    const plain = await pith.build({ config: join(dir2, 'pith.yaml'), output: `oci:${join(dir2, 'out')}` });
    assert.equal(plain.warnings, undefined);
    assert.deepEqual(warnings, []);
  });

  it('--offline without a lock builds from the verified indexes a previous online run cached', async (t) => {
    const dir = await project(t);
    const cache = join(dir, 'cache');
    const config = join(dir, 'pith.yaml');
    const online = await pithOn(cache).build({ config, output: `oci:${join(dir, 'a')}` });
    const requests = repo.requests.length;
    const offlinePith = pithOn(cache, { offline: true });
    const offline = await offlinePith.build({ config, output: `oci:${join(dir, 'b')}` });
    assert.equal(repo.requests.length, requests, 'no request reached the mirror');
    assert.equal(offline.digest, online.digest);
    // a cached InRelease that was tampered with is verified again, and refused
    const refs = join(cache, 'refs');
    for (const name of await readdir(refs)) {
      const target = join(cache, 'sha256', (await readFile(join(refs, name), 'utf8')).trim());
      const text = await readFile(target, 'utf8');
      if (!/^Codename: trixie\r?$/m.test(text)) continue;
      const forged = text.replace(/^Codename: trixie(?=\r?$)/m, 'Codename: trixiE');
      const { createHash } = await import('node:crypto');
      const hex = createHash('sha256').update(forged).digest('hex');
      await writeFile(join(cache, 'sha256', hex), forged);
      await writeFile(join(refs, name), hex);
    }
    await assertRefused(
      offlinePith.build({ config, output: `oci:${join(dir, 'c')}` }),
      'invalid',
      /InRelease \(cached\): InRelease has no valid signature/,
    );
  });

  it('refuses a mirror URL with credentials without showing them (an input error)', async (t) => {
    const dir = await project(t);
    const yaml = (await readFile(join(dir, 'pith.yaml'), 'utf8')).replace(
      `archive: ${repo.url}`,
      `archive: ${repo.url.replace('http://', 'http://user:s3cretpw@')}`,
    );
    await writeFile(join(dir, 'pith.yaml'), yaml);
    const events: PithEvent[] = [];
    const pith = pithOn(join(dir, 'cache'), { onEvent: (e) => events.push(e) });
    const err = await assertRefused(
      pith.build({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, 'out')}` }),
      'input',
      /^mirror http:\/\/127\.0\.0\.1:\d+\/debian carries credentials in its URL/,
    );
    // neither the error nor any progress the CLI would print carries the password
    assert.doesNotMatch(JSON.stringify([err.message, err.details, events]), /s3cretpw/);
  });

  it('offline without a cache says so', async (t) => {
    const dir = await project(t);
    await assertRefused(
      pithOn(join(dir, 'empty'), { offline: true }).build({
        config: join(dir, 'pith.yaml'),
        output: `oci:${join(dir, 'out')}`,
      }),
      'input',
      /offline mode/,
    );
  });
});
