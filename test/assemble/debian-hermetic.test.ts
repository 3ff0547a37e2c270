// Building from Debian packages against the signed fake repository on 127.0.0.1 (issue 3, point 1, the
// hermetic half): packages resolve across the suite, -updates and -security (the higher version wins),
// layers carry the files and status.d, the lock pins them; a tampered .deb, InRelease or Packages index is
// refused with a clear error and no output is written; two builds sharing one cache at once both succeed.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { pith, run, tempDir } from '../helpers.ts';

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
    const cache = join(dir, 'cache');
    const r = await pith(['build', 'pith.yaml', '-o', 'oci:out', '--cache-dir', cache, '--json'], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      debian: { packages: { name: string; version: string; origin: string }[]; droppedDocBytes: number }[];
    };
    assert.deepEqual(
      report.debian[0]!.packages.map((p) => `${p.name}=${p.version}@${p.origin}`),
      ['app=1.0-1@trixie/main', 'libfoo=1.1-1+deb13u1@trixie-security/main'],
    );
    assert.equal(report.debian[0]!.droppedDocBytes, 8000);
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
    const validate = await pith(['validate', 'oci:out'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stdout);

    const lock = await pith(['lock', 'pith.yaml', '--cache-dir', cache, '--json'], { cwd: dir });
    assert.equal(lock.code, 0, lock.stderr);
    const locked = JSON.parse(lock.stdout) as {
      lock: {
        archs: { amd64: { name: string; suite: string; requiredBy: string }[] };
        suites: { suite: string }[];
      };
    };
    assert.deepEqual(
      locked.lock.archs.amd64.map((p) => [p.name, p.suite, p.requiredBy]),
      [
        ['app', 'trixie', 'requested'],
        ['libfoo', 'trixie-security', 'app'],
      ],
    );
    assert.deepEqual(
      locked.lock.suites.map((s) => s.suite),
      ['trixie', 'trixie-updates', 'trixie-security'],
    );
    const again = await pith(
      ['build', 'pith.yaml', '-o', 'oci:again', '--cache-dir', cache, '--locked', '--offline', '--json'],
      { cwd: dir },
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      (JSON.parse(again.stdout) as { digest: string }).digest,
      (JSON.parse(r.stdout) as { digest: string }).digest,
      'a --locked offline rebuild is identical',
    );
  });

  for (const [what, match, code, message] of [
    [
      'a tampered .deb',
      '.deb',
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
        const r = await pith(['build', 'pith.yaml', '-o', 'oci:out', '--cache-dir', join(dir, 'cache')], {
          cwd: dir,
        });
        assert.equal(r.code, 4, r.stderr);
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        void code;
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
    const [a, b] = await Promise.all([
      pith(['build', 'pith.yaml', '-o', 'oci:a', '--cache-dir', cache, '--json'], { cwd: dir }),
      pith(['build', 'pith.yaml', '-o', 'oci:b', '--cache-dir', cache, '--json'], { cwd: dir }),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(JSON.parse(a.stdout).digest, JSON.parse(b.stdout).digest);
    assert.deepEqual(
      (await readdir(join(cache, 'sha256'))).filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary files left in the cache',
    );
  });

  it('warns, in the report and on stderr, when a pin installs a version the security suite superseded', async (t) => {
    const dir = await project(t);
    const cache = join(dir, 'cache');
    await writeFile(
      join(dir, 'pith.yaml'),
      `${await readFile(join(dir, 'pith.yaml'), 'utf8')}`.replace(
        'packages: [app]',
        'packages: [app, "libbar (= 2.0-1)"]',
      ),
    );
    const r = await pith(['build', 'pith.yaml', '-o', 'oci:out', '--cache-dir', cache, '--json'], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const warning =
      'amd64: libbar 2.0-1 is older than 2.0-1+deb13u1 in trixie-security: its security fixes are left out by "libbar (= 2.0-1)"';
    assert.deepEqual((JSON.parse(r.stdout) as { warnings?: string[] }).warnings, [warning]);
    assert.ok(r.stderr.includes(`pith: warning: ${warning}\n`), r.stderr);
    const lock = await pith(['lock', 'pith.yaml', '--cache-dir', cache, '--json'], { cwd: dir });
    assert.deepEqual((JSON.parse(lock.stdout) as { warnings?: string[] }).warnings, [warning]);
    // without the pin the security version is installed and nothing is said
    const dir2 = await project(t, '');
    const plain = await pith(['build', 'pith.yaml', '-o', 'oci:out', '--cache-dir', cache, '--json'], {
      cwd: dir2,
    });
    assert.equal((JSON.parse(plain.stdout) as { warnings?: string[] }).warnings, undefined);
    assert.doesNotMatch(plain.stderr, /warning/);
  });

  it('--offline without a lock builds from the verified indexes a previous online run cached', async (t) => {
    const dir = await project(t);
    const cache = join(dir, 'cache');
    const online = await pith(['build', 'pith.yaml', '-o', 'oci:a', '--cache-dir', cache, '--json'], {
      cwd: dir,
    });
    assert.equal(online.code, 0, online.stderr);
    const requests = repo.requests.length;
    const offline = await pith(
      ['build', 'pith.yaml', '-o', 'oci:b', '--cache-dir', cache, '--offline', '--json'],
      {
        cwd: dir,
      },
    );
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(repo.requests.length, requests, 'no request reached the mirror');
    assert.equal(JSON.parse(offline.stdout).digest, JSON.parse(online.stdout).digest);
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
    const forged = await pith(['build', 'pith.yaml', '-o', 'oci:c', '--cache-dir', cache, '--offline'], {
      cwd: dir,
    });
    assert.equal(forged.code, 4, forged.stderr);
    assert.match(forged.stderr, /InRelease \(cached\): InRelease has no valid signature/);
  });

  it('refuses a mirror URL with credentials without printing them (exit 3)', async (t) => {
    const dir = await project(t);
    const yaml = (await readFile(join(dir, 'pith.yaml'), 'utf8')).replace(
      `archive: ${repo.url}`,
      `archive: ${repo.url.replace('http://', 'http://user:s3cretpw@')}`,
    );
    await writeFile(join(dir, 'pith.yaml'), yaml);
    const r = await pith(['build', 'pith.yaml', '-o', 'oci:out', '--json'], { cwd: dir });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /\npith: mirror http:\/\/127\.0\.0\.1:\d+\/debian carries credentials in its URL/);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cretpw/);
  });

  it('offline without a cache says so', async (t) => {
    const dir = await project(t);
    const r = await pith(
      ['build', 'pith.yaml', '-o', 'oci:out', '--cache-dir', join(dir, 'empty'), '--offline'],
      { cwd: dir },
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /offline mode/);
  });
});
