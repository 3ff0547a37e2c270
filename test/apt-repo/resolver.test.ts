// The resolver: closure over Pre-Depends and Depends, alternatives, version constraints across suites,
// virtual packages, architecture restrictions and qualifiers, excludes, unsatisfiable relations (with
// the chain that led to them), determinism and cycles. Universes are built from Packages text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Reason, type Resolution, resolve, whyChain } from '../../src/apt-repo/resolver.ts';
import { buildUniverse, type Universe } from '../../src/apt-repo/universe.ts';
import { isPithError, type PithError } from '../../src/util/index.ts';
import { chosen, index, records, shuffled, stanza, universe } from './fixtures.ts';

const BOUNDED = { timeout: 10_000 };

/** The PithError `fn` throws; fails the test when it does not throw one with code UNSATISFIABLE. */
function unsatisfiable(fn: () => unknown): PithError {
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    assert.ok(isPithError(err), `expected a PithError, got ${String(err)}`);
    assert.equal(err.code, 'UNSATISFIABLE');
    assert.equal(err.kind, 'input');
    return err;
  }
  const got = (result as Resolution | undefined)?.packages?.map((p) => `${p.name}=${p.version}`);
  assert.fail(`expected UNSATISFIABLE, but it resolved to ${JSON.stringify(got)}`);
}

const reasonsOf = (res: Resolution) =>
  Object.fromEntries([...res.reasons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

describe('resolve: closure', () => {
  const u = universe('amd64', {
    'trixie/main': index(
      stanza('zeta', '1', { Depends: 'mid(>=1.0)' }),
      stanza('mid', '1.2', { 'Pre-Depends': 'alpha', Depends: 'beta' }),
      stanza('alpha', '3'),
      stanza('beta', '4', { Depends: 'alpha' }),
      stanza('unrelated', '9'),
    ),
  });

  it('follows Depends and Pre-Depends and returns the packages sorted by name', () => {
    const res = resolve(u, { packages: ['zeta'] });
    assert.equal(res.arch, 'amd64');
    assert.deepEqual(chosen(res), ['alpha=3', 'beta=4', 'mid=1.2', 'zeta=1']);
    assert.equal(res.excluded.size, 0);
    assert.ok(res.packages.every((p) => p.origin === 'trixie/main'));
  });

  it('records why each package was chosen, with the relation in canonical spacing', () => {
    const res = resolve(u, { packages: ['zeta'] });
    assert.deepEqual(reasonsOf(res), {
      alpha: { requiredBy: 'mid', relation: 'alpha', field: 'Pre-Depends' },
      beta: { requiredBy: 'mid', relation: 'beta', field: 'Depends' },
      mid: { requiredBy: 'zeta', relation: 'mid (>= 1.0)', field: 'Depends' },
      zeta: { relation: 'zeta', field: 'requested' },
    });
    assert.equal('requiredBy' in res.reasons.get('zeta')!, false);
  });

  it('whyChain walks from a leaf to the requested root', () => {
    const res = resolve(u, { packages: ['zeta'] });
    const chain: Reason[] = whyChain(res, 'alpha');
    assert.deepEqual(chain, [
      { requiredBy: 'mid', relation: 'alpha', field: 'Pre-Depends' },
      { requiredBy: 'zeta', relation: 'mid (>= 1.0)', field: 'Depends' },
      { relation: 'zeta', field: 'requested' },
    ]);
    assert.deepEqual(whyChain(res, 'zeta'), [{ relation: 'zeta', field: 'requested' }]);
    assert.deepEqual(whyChain(res, 'unrelated'), []);
  });

  it('walks Pre-Depends before Depends', () => {
    const v = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'first | second', 'Pre-Depends': 'second' }),
        stanza('first', '1'),
        stanza('second', '1'),
      ),
    });
    assert.deepEqual(chosen(resolve(v, { packages: ['app'] })), ['app=1', 'second=1']);
  });

  it('resolves several requested packages sharing dependencies once', () => {
    const res = resolve(u, { packages: ['beta', 'zeta', 'beta'] });
    assert.deepEqual(chosen(res), ['alpha=3', 'beta=4', 'mid=1.2', 'zeta=1']);
    assert.deepEqual(res.reasons.get('beta'), { relation: 'beta', field: 'requested' });
    assert.deepEqual(res.reasons.get('alpha'), { requiredBy: 'beta', relation: 'alpha', field: 'Depends' });
  });

  it('terminates on cycles', BOUNDED, () => {
    const v = universe('amd64', {
      'trixie/main': index(
        stanza('a', '1', { Depends: 'b' }),
        stanza('b', '1', { Depends: 'a (>= 1)', 'Pre-Depends': 'c' }),
        stanza('c', '1', { Depends: 'a, c, b | a' }),
      ),
    });
    const res = resolve(v, { packages: ['a'] });
    assert.deepEqual(chosen(res), ['a=1', 'b=1', 'c=1']);
    assert.deepEqual(
      whyChain(res, 'c').map((r) => r.requiredBy ?? 'requested'),
      ['b', 'a', 'requested'],
    );
  });
});

describe('resolve: alternatives', () => {
  it('chooses the first alternative that can be satisfied', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'missing | old (>= 5) | good | also-good' }),
        stanza('old', '4'),
        stanza('good', '1'),
        stanza('also-good', '1'),
      ),
    });
    const res = resolve(u, { packages: ['app'] });
    assert.deepEqual(chosen(res), ['app=1', 'good=1']);
    assert.deepEqual(res.reasons.get('good'), {
      requiredBy: 'app',
      relation: 'missing | old (>= 5) | good | also-good',
      field: 'Depends',
    });
  });

  it('prefers an alternative already chosen by a requested package, even one requested later', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'mawk | gawk' }),
        stanza('mawk', '1.3.4'),
        stanza('gawk', '5.2'),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['app', 'gawk'] })), ['app=1', 'gawk=5.2']);
    assert.deepEqual(chosen(resolve(u, { packages: ['gawk', 'app'] })), ['app=1', 'gawk=5.2']);
    assert.deepEqual(chosen(resolve(u, { packages: ['app'] })), ['app=1', 'mawk=1.3.4']);
  });

  it('prefers an alternative already chosen through an earlier dependency', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'gawk, mawk | gawk' }),
        stanza('mawk', '1.3.4'),
        stanza('gawk', '5.2'),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['app'] })), ['app=1', 'gawk=5.2']);
  });

  it('does not count an already-chosen package whose version fails the alternative', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'old (>= 2) | new' }),
        stanza('old', '1'),
        stanza('new', '1'),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['old', 'app'] })), ['app=1', 'new=1', 'old=1']);
  });

  it('skips an alternative whose version constraint no candidate meets', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'libfoo2 (>= 2.5) | libfoo1 (<< 1.0)' }),
        stanza('libfoo2', '2.4'),
        stanza('libfoo1', '1.2'),
        stanza('libfoo1', '0.9'),
      ),
      'trixie-security/main': stanza('libfoo2', '2.4+deb13u1'),
    });
    const res = resolve(u, { packages: ['app'] });
    assert.deepEqual(chosen(res), ['app=1', 'libfoo1=0.9']);
  });
});

describe('resolve: version constraints across suites', () => {
  const suites = {
    'trixie/main': index(stanza('libx', '2.36-9'), stanza('libx', '2.31-13')),
    'trixie-updates/main': stanza('libx', '2.36-9+deb13u1'),
    'trixie-security/main': stanza('libx', '2.36-9+deb13u2'),
  };
  const withApp = (depends: string): Universe =>
    universe('amd64', { ...suites, 'app/main': stanza('app', '1', { Depends: depends }) });
  const cases: [relation: string, version: string, origin: string][] = [
    ['libx', '2.36-9+deb13u2', 'trixie-security/main'],
    ['libx (>= 2.36-9)', '2.36-9+deb13u2', 'trixie-security/main'],
    ['libx (>> 2.36-9+deb13u1)', '2.36-9+deb13u2', 'trixie-security/main'],
    ['libx (= 2.36-9+deb13u1)', '2.36-9+deb13u1', 'trixie-updates/main'],
    ['libx (<< 2.36-9+deb13u2)', '2.36-9+deb13u1', 'trixie-updates/main'],
    ['libx (<= 2.36-9+deb13u1)', '2.36-9+deb13u1', 'trixie-updates/main'],
    ['libx (= 2.36-9)', '2.36-9', 'trixie/main'],
    ['libx (<= 2.36-9)', '2.36-9', 'trixie/main'],
    ['libx (< 2.36-9)', '2.36-9', 'trixie/main'],
    ['libx (<< 2.36)', '2.31-13', 'trixie/main'],
    ['libx (>> 2.30)', '2.36-9+deb13u2', 'trixie-security/main'],
  ];
  for (const [relation, version, origin] of cases) {
    it(`${relation} picks ${version} from ${origin}`, () => {
      const res = resolve(withApp(relation), { packages: ['app'] });
      assert.deepEqual(chosen(res), ['app=1', `libx=${version}`]);
      assert.equal(res.packages.find((p) => p.name === 'libx')!.origin, origin);
    });
  }

  it('normalises the obsolete < operator to <= in the recorded relation', () => {
    const res = resolve(withApp('libx (< 2.36-9)'), { packages: ['app'] });
    assert.equal(res.reasons.get('libx')!.relation, 'libx (<= 2.36-9)');
  });

  for (const relation of [
    'libx (>> 2.36-9+deb13u2)',
    'libx (<< 2.31)',
    'libx (>= 2.37)',
    'libx (= 2.36-10)',
  ]) {
    it(`${relation} is unsatisfiable`, () => {
      const err = unsatisfiable(() => resolve(withApp(relation), { packages: ['app'] }));
      assert.equal(
        err.message,
        `cannot satisfy ${relation} for amd64 (libx: versions 2.36-9+deb13u2, 2.36-9+deb13u1, 2.36-9, 2.31-13)\n` +
          `  needed by app (Depends: ${relation})\n` +
          `  ← requested "app"`,
      );
    });
  }
});

describe('resolve: requested entries with constraints', () => {
  const u = universe('amd64', {
    'trixie/main': index(stanza('libc6', '2.41-12'), stanza('libc6', '2.36-9+deb12u10')),
  });

  it('applies the constraint and records the entry as written', () => {
    const res = resolve(u, { packages: ['libc6 (>= 2.36)'] });
    assert.deepEqual(chosen(res), ['libc6=2.41-12']);
    assert.deepEqual(res.reasons.get('libc6'), { relation: 'libc6 (>= 2.36)', field: 'requested' });
    assert.deepEqual(chosen(resolve(u, { packages: ['libc6 (<< 2.41)'] })), ['libc6=2.36-9+deb12u10']);
    assert.deepEqual(chosen(resolve(u, { packages: ['libc6(=2.36-9+deb12u10)'] })), [
      'libc6=2.36-9+deb12u10',
    ]);
  });

  it('fails for a requested constraint no version meets', () => {
    const err = unsatisfiable(() => resolve(u, { packages: ['libc6 (>= 2.42)'] }));
    assert.equal(
      err.message,
      'cannot satisfy libc6 (>= 2.42) for amd64 (libc6: versions 2.41-12, 2.36-9+deb12u10)\n' +
        '  needed by requested "libc6 (>= 2.42)"',
    );
  });
});

describe('resolve: virtual packages', () => {
  it('satisfies an unversioned relation with the first provider by name', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'mail-transport-agent' }),
        stanza('postfix', '3.10', { Provides: 'mail-transport-agent' }),
        stanza('exim4-daemon-light', '4.98', { Provides: 'mail-transport-agent' }),
      ),
    });
    const res = resolve(u, { packages: ['app'] });
    assert.deepEqual(chosen(res), ['app=1', 'exim4-daemon-light=4.98']);
    assert.deepEqual(res.reasons.get('exim4-daemon-light'), {
      requiredBy: 'app',
      relation: 'mail-transport-agent',
      field: 'Depends',
    });
  });

  it('needs a versioned Provides for a versioned relation', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'libgcc1 (>= 1:14)' }),
        stanza('aaa-unversioned', '1', { Provides: 'libgcc1' }),
        stanza('bbb-too-old', '1', { Provides: 'libgcc1 (= 1:13.1)' }),
        stanza('libgcc-s1', '14.2.0-19', { Provides: 'libgcc1 (= 1:14.2.0-19)' }),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['app'] })), ['app=1', 'libgcc-s1=14.2.0-19']);
  });

  it('fails a versioned relation that only unversioned providers could meet', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'awk (>= 1)' }),
        stanza('mawk', '1.3.4', { Provides: 'awk' }),
        stanza('gawk', '5.2', { Provides: 'awk' }),
      ),
    });
    const err = unsatisfiable(() => resolve(u, { packages: ['app'] }));
    assert.equal(
      err.message,
      'cannot satisfy awk (>= 1) for amd64 (awk: provided by gawk, mawk)\n' +
        '  needed by app (Depends: awk (>= 1))\n' +
        '  ← requested "app"',
    );
  });

  it('prefers a real package of that name to providers', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'awk' }),
        stanza('a-awk', '1', { Provides: 'awk' }),
        stanza('awk', '7'),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['app'] })), ['app=1', 'awk=7']);
  });

  it('falls back to a provider when the real package fails the version', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'awk (>= 2)' }),
        stanza('awk', '1'),
        stanza('new-awk', '1', { Provides: 'awk (= 3)' }),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['app'] })), ['app=1', 'new-awk=1']);
  });

  it('lets an already-chosen provider satisfy later relations', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'mail-transport-agent' }),
        stanza('tool', '1', { Depends: 'postfix' }),
        stanza('exim4-daemon-light', '4.98', { Provides: 'mail-transport-agent' }),
        stanza('postfix', '3.10', { Provides: 'mail-transport-agent' }),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['postfix', 'app'] })), ['app=1', 'postfix=3.10']);
    // Pre-Depends and Depends of `tool` are walked before `app`'s, so postfix is chosen first.
    assert.deepEqual(chosen(resolve(u, { packages: ['tool', 'app'] })), ['app=1', 'postfix=3.10', 'tool=1']);
  });

  it('does not let an unversioned provider already chosen satisfy a versioned relation', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'virt (>= 1)' }),
        stanza('zprov', '1', { Provides: 'virt' }),
        stanza('aprov', '1', { Provides: 'virt (= 1)' }),
      ),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['zprov', 'app'] })), ['app=1', 'aprov=1', 'zprov=1']);
  });
});

describe('resolve: architecture restrictions and qualifiers', () => {
  const indexes = {
    'trixie/main': index(
      stanza('app', '1', {
        Architecture: 'all',
        Depends:
          'only-amd64 [amd64], not-amd64 [!amd64], on-linux [linux-any], on-hurd [hurd-any], ' +
          'for-i386 [i386] | fallback, python3:any (>= 3.11)',
      }),
      ...['only-amd64', 'not-amd64', 'on-linux', 'on-hurd', 'for-i386', 'fallback', 'python3'].map((n) =>
        stanza(n, n === 'python3' ? '3.13.5-1' : '1', { Architecture: 'all' }),
      ),
    ),
  };

  it('keeps only relations whose restriction matches amd64', () => {
    const res = resolve(universe('amd64', indexes), { packages: ['app'] });
    assert.deepEqual(chosen(res), ['app=1', 'fallback=1', 'on-linux=1', 'only-amd64=1', 'python3=3.13.5-1']);
    assert.deepEqual(res.reasons.get('only-amd64'), {
      requiredBy: 'app',
      relation: 'only-amd64 [amd64]',
      field: 'Depends',
    });
    assert.equal(res.reasons.get('on-linux')!.relation, 'on-linux [linux-any]');
    // Alternatives restricted away are dropped from the recorded relation.
    assert.equal(res.reasons.get('fallback')!.relation, 'fallback');
  });

  it('keeps only relations whose restriction matches the universe architecture', () => {
    const arm64 = resolve(universe('arm64', indexes), { packages: ['app'] });
    assert.deepEqual(chosen(arm64), ['app=1', 'fallback=1', 'not-amd64=1', 'on-linux=1', 'python3=3.13.5-1']);
    assert.equal(arm64.arch, 'arm64');
    const i386 = resolve(universe('i386', indexes), { packages: ['app'] });
    assert.deepEqual(chosen(i386), ['app=1', 'for-i386=1', 'not-amd64=1', 'on-linux=1', 'python3=3.13.5-1']);
    assert.equal(i386.reasons.get('for-i386')!.relation, 'for-i386 [i386] | fallback');
  });

  it('resolves name:any like the plain name and records the qualifier', () => {
    const res = resolve(universe('amd64', indexes), { packages: ['app'] });
    assert.deepEqual(res.reasons.get('python3'), {
      requiredBy: 'app',
      relation: 'python3:any (>= 3.11)',
      field: 'Depends',
    });
    const tooNew = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'python3:any (>= 3.14)' }),
        stanza('python3', '3.13.5-1'),
      ),
    });
    const err = unsatisfiable(() => resolve(tooNew, { packages: ['app'] }));
    assert.match(
      err.message,
      /^cannot satisfy python3:any \(>= 3\.14\) for amd64 \(python3: versions 3\.13\.5-1\)/,
    );
  });

  it('does not follow a dependency restricted away, so its absence is no error', () => {
    const u = universe('amd64', {
      'trixie/main': stanza('app', '1', { Depends: 'missing [!amd64], also-missing [hurd-any]' }),
    });
    assert.deepEqual(chosen(resolve(u, { packages: ['app'] })), ['app=1']);
  });
});

describe('resolve: excludes', () => {
  it('does not install an excluded dependency (nor walk it) and says who asked for it', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'mawk, libc6' }),
        stanza('mawk', '1.3.4', { Depends: 'libmawk' }),
        stanza('libmawk', '1'),
        stanza('libc6', '2.41-12'),
      ),
    });
    const res = resolve(u, { packages: ['app'], exclude: ['mawk'] });
    assert.deepEqual(chosen(res), ['app=1', 'libc6=2.41-12']);
    assert.deepEqual(
      [...res.excluded],
      [['mawk', { requiredBy: 'app', relation: 'mawk', field: 'Depends' }]],
    );
    assert.equal(res.reasons.has('mawk'), false);
    assert.deepEqual(whyChain(res, 'mawk'), [
      { requiredBy: 'app', relation: 'mawk', field: 'Depends' },
      { relation: 'app', field: 'requested' },
    ]);
  });

  it('records an excluded name once, with the first relation that asked for it', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'debconf (>= 0.5), tool' }),
        stanza('tool', '1', { 'Pre-Depends': 'debconf' }),
        stanza('debconf', '1.5.91'),
      ),
    });
    const res = resolve(u, { packages: ['app'], exclude: ['debconf'] });
    assert.deepEqual(chosen(res), ['app=1', 'tool=1']);
    assert.deepEqual(
      [...res.excluded],
      [['debconf', { requiredBy: 'app', relation: 'debconf (>= 0.5)', field: 'Depends' }]],
    );
  });

  it('treats alternatives naming an excluded package as satisfied, installing no other alternative', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'debconf (>= 0.5) | debconf-2.0' }),
        stanza('debconf', '1.5.91'),
        stanza('cdebconf', '0.280', { Provides: 'debconf-2.0' }),
      ),
    });
    const res = resolve(u, { packages: ['app'], exclude: ['debconf'] });
    assert.deepEqual(chosen(res), ['app=1']);
    assert.deepEqual(res.excluded.get('debconf'), {
      requiredBy: 'app',
      relation: 'debconf (>= 0.5) | debconf-2.0',
      field: 'Depends',
    });
  });

  it('does so even when the excluded name is a later alternative and an earlier one is available', () => {
    // What the code does: any excluded member makes the whole set count as satisfied (and recorded as
    // excluded under that member's name); gawk, available and listed first, is not installed.
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'gawk | mawk' }),
        stanza('gawk', '5.2'),
        stanza('mawk', '1.3.4'),
      ),
    });
    const res = resolve(u, { packages: ['app'], exclude: ['mawk'] });
    assert.deepEqual(chosen(res), ['app=1']);
    assert.deepEqual([...res.excluded.keys()], ['mawk']);
    assert.equal(res.excluded.get('mawk')!.relation, 'gawk | mawk');
  });

  it('lets an already-chosen alternative win over the exclusion (nothing is recorded as excluded)', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'debconf | debconf-2.0' }),
        stanza('debconf', '1.5.91'),
        stanza('cdebconf', '0.280', { Provides: 'debconf-2.0' }),
      ),
    });
    const res = resolve(u, { packages: ['cdebconf', 'app'], exclude: ['debconf'] });
    assert.deepEqual(chosen(res), ['app=1', 'cdebconf=0.280']);
    assert.equal(res.excluded.size, 0);
  });

  it('skips excluded providers of a virtual package', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'awk' }),
        stanza('gawk', '5.2', { Provides: 'awk' }),
        stanza('mawk', '1.3.4', { Provides: 'awk' }),
      ),
    });
    const res = resolve(u, { packages: ['app'], exclude: ['gawk'] });
    assert.deepEqual(chosen(res), ['app=1', 'mawk=1.3.4']);
    assert.equal(res.excluded.size, 0);
    // Excluding every provider leaves the virtual relation unsatisfiable (excludes match relation
    // names, and `awk` itself is not excluded).
    const err = unsatisfiable(() => resolve(u, { packages: ['app'], exclude: ['gawk', 'mawk'] }));
    assert.match(err.message, /^cannot satisfy awk for amd64 \(awk: provided by gawk, mawk\)\n/);
  });
});

describe('resolve: unsatisfiable relations', () => {
  const u = universe('amd64', {
    'trixie/main': index(
      stanza('top', '1', { Depends: 'mid' }),
      stanza('mid', '1', { 'Pre-Depends': 'low (>= 1)' }),
      stanza('low', '1', { Depends: 'gone | libx (>= 9)' }),
      stanza('libx', '1'),
    ),
    'trixie-security/main': stanza('libx', '2'),
  });

  it('names a missing requested package', () => {
    const err = unsatisfiable(() => resolve(u, { packages: ['top', 'nope'] }));
    assert.equal(
      err.message,
      'cannot satisfy nope for amd64 (nope: no such package)\n  needed by requested "nope"',
    );
    assert.deepEqual(err.details, { relation: 'nope', arch: 'amd64', chain: ['requested "nope"'] });
  });

  it('names an impossible version and what is available', () => {
    const v = universe('amd64', {
      'trixie/main': index(stanza('app', '1', { Depends: 'libx (>= 9)' }), stanza('libx', '1')),
      'trixie-security/main': stanza('libx', '2'),
    });
    const err = unsatisfiable(() => resolve(v, { packages: ['app'] }));
    assert.equal(
      err.message,
      'cannot satisfy libx (>= 9) for amd64 (libx: versions 2, 1)\n' +
        '  needed by app (Depends: libx (>= 9))\n' +
        '  ← requested "app"',
    );
  });

  it('names a transitive failure three levels deep with the whole chain', () => {
    const err = unsatisfiable(() => resolve(u, { packages: ['top'] }));
    assert.deepEqual(err.message.split('\n'), [
      'cannot satisfy gone | libx (>= 9) for amd64 (gone: no such package; libx: versions 2, 1)',
      '  needed by low (Depends: gone | libx (>= 9))',
      '  ← mid (Pre-Depends: low (>= 1))',
      '  ← top (Depends: mid)',
      '  ← requested "top"',
    ]);
    assert.deepEqual(err.details, {
      relation: 'gone | libx (>= 9)',
      arch: 'amd64',
      chain: [
        'low (Depends: gone | libx (>= 9))',
        'mid (Pre-Depends: low (>= 1))',
        'top (Depends: mid)',
        'requested "top"',
      ],
    });
  });

  it('ignores records of other architectures when saying what is available', () => {
    const v = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'libarm' }),
        stanza('libarm', '1', { Architecture: 'arm64' }),
      ),
    });
    const err = unsatisfiable(() => resolve(v, { packages: ['app'] }));
    assert.match(err.message, /^cannot satisfy libarm for amd64 \(libarm: no such package\)\n/);
  });
});

describe('resolve: version conflicts with an already-chosen package', () => {
  it('fails, naming the chosen version, when no candidate meets the later relation', () => {
    const u = universe('amd64', {
      'trixie/main': index(stanza('app', '1', { Depends: 'libx (>= 3)' }), stanza('libx', '1')),
      'trixie-security/main': stanza('libx', '2'),
    });
    const err = unsatisfiable(() => resolve(u, { packages: ['libx (= 1)', 'app'] }));
    assert.equal(
      err.message,
      'cannot satisfy libx (>= 3) for amd64 (libx: 1 is already chosen)\n' +
        '  needed by app (Depends: libx (>= 3))\n' +
        '  ← requested "app"',
    );
  });

  it('fails when another candidate would meet the later relation but an older one is already chosen', () => {
    // libx 1 is chosen by the request; app needs libx >= 2. libx 2 exists but cannot also be installed.
    const u = universe('amd64', {
      'trixie/main': index(stanza('app', '1', { Depends: 'libx (>= 2)' }), stanza('libx', '1')),
      'trixie-security/main': stanza('libx', '2'),
    });
    const err = unsatisfiable(() => resolve(u, { packages: ['libx (= 1)', 'app'] }));
    assert.match(err.message, /^cannot satisfy libx \(>= 2\) for amd64 \(libx: 1 is already chosen\)\n/);
    assert.match(err.message, /\n {2}needed by app \(Depends: libx \(>= 2\)\)\n {2}← requested "app"$/);
  });

  it('moves on to the next alternative when the chosen version of the first fails its constraint', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('app', '1', { Depends: 'libx (>= 2) | liby' }),
        stanza('libx', '1'),
        stanza('liby', '1'),
      ),
      'trixie-security/main': stanza('libx', '2'),
    });
    const res = resolve(u, { packages: ['libx (<< 2)', 'app'] });
    assert.deepEqual(chosen(res), ['app=1', 'libx=1', 'liby=1']);
  });
});

describe('resolve: determinism', () => {
  const indexes = {
    'trixie/main': index(
      stanza('app', '1', { Depends: 'libc6 (>= 2.36), awk, debconf | debconf-2.0, libssl3t64' }),
      stanza('server', '2', {
        'Pre-Depends': 'init-system-helpers (>= 1.54~)',
        Depends: 'mail-transport-agent',
      }),
      stanza('libc6', '2.41-12', { Depends: 'libgcc-s1' }),
      stanza('libgcc-s1', '14.2.0-19', { Provides: 'libgcc1 (= 1:14.2.0-19)', Depends: 'gcc-14-base' }),
      stanza('gcc-14-base', '14.2.0-19'),
      stanza('mawk', '1.3.4', { Provides: 'awk' }),
      stanza('gawk', '5.2', { Provides: 'awk', Depends: 'libc6' }),
      stanza('debconf', '1.5.91'),
      stanza('cdebconf', '0.280', { Provides: 'debconf-2.0' }),
      stanza('libssl3t64', '3.5.1-1', { Depends: 'libc6 (>= 2.34)' }),
      stanza('init-system-helpers', '1.69', { Architecture: 'all' }),
      stanza('postfix', '3.10', { Provides: 'mail-transport-agent' }),
      stanza('exim4-daemon-light', '4.98', { Provides: 'mail-transport-agent', Depends: 'libc6' }),
      stanza('arm-thing', '1', { Architecture: 'arm64', Provides: 'awk' }),
    ),
    'trixie-updates/main': stanza('libc6', '2.41-12+deb13u1', { Depends: 'libgcc-s1' }),
    'trixie-security/main': index(
      stanza('libssl3t64', '3.5.1-1+deb13u1', { Depends: 'libc6 (>= 2.34)' }),
      stanza('libc6', '2.41-12+deb13u2', { Depends: 'libgcc-s1' }),
    ),
  };
  const recs = records(indexes);
  const request = { packages: ['server', 'app', 'libc6 (>= 2.41)'], exclude: ['debconf'] };
  const view = (res: Resolution) => ({
    packages: res.packages.map((p) => `${p.name}=${p.version} ${p.origin} ${p.filename} ${p.sha256}`),
    reasons: [...res.reasons].sort(([a], [b]) => (a < b ? -1 : 1)),
    excluded: [...res.excluded].sort(([a], [b]) => (a < b ? -1 : 1)),
  });

  it('gives the identical resolution whatever order the records are given in', BOUNDED, () => {
    const expected = view(resolve(buildUniverse(recs, 'amd64'), request));
    assert.deepEqual(
      expected.packages.map((line) => line.split(' ').slice(0, 2).join(' ')),
      [
        'app=1 trixie/main',
        'exim4-daemon-light=4.98 trixie/main',
        'gawk=5.2 trixie/main',
        'gcc-14-base=14.2.0-19 trixie/main',
        'init-system-helpers=1.69 trixie/main',
        'libc6=2.41-12+deb13u2 trixie-security/main',
        'libgcc-s1=14.2.0-19 trixie/main',
        'libssl3t64=3.5.1-1+deb13u1 trixie-security/main',
        'server=2 trixie/main',
      ],
    );
    assert.deepEqual(
      expected.excluded.map(([name]) => name),
      ['debconf'],
    );
    for (let seed = 1; seed <= 25; seed++) {
      const res = resolve(buildUniverse(shuffled(recs, seed), 'amd64'), request);
      assert.deepEqual(view(res), expected, `records shuffled with seed ${seed}`);
    }
  });

  it('gives the identical resolution when run twice on the same universe', () => {
    const u = buildUniverse(recs, 'amd64');
    assert.deepEqual(view(resolve(u, request)), view(resolve(u, request)));
  });
});
