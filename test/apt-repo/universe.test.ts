// buildUniverse: which records are kept (the target architecture and `all`), how each name's candidates
// are ordered (best first by dpkg order, whatever suite they come from), duplicate versions, and the
// Provides index (best candidate only, versioned entries kept, providers sorted by name).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildUniverse } from '../../src/apt-repo/universe.ts';
import { index, records, stanza, universe } from './fixtures.ts';

const versionsOf = (u: ReturnType<typeof universe>, name: string) =>
  (u.byName.get(name) ?? []).map((p) => `${p.version} ${p.origin}`);

describe('buildUniverse', () => {
  it('keeps only records of the target architecture and of `all`', () => {
    const recs = records({
      'trixie/main': index(
        stanza('libfoo', '1.0', { Architecture: 'amd64' }),
        stanza('libfoo', '1.1', { Architecture: 'arm64' }),
        stanza('data', '2', { Architecture: 'all' }),
        stanza('i386-only', '3', { Architecture: 'i386' }),
        stanza('arm-only', '4', { Architecture: 'arm64' }),
      ),
    });
    const amd64 = buildUniverse(recs, 'amd64');
    assert.equal(amd64.arch, 'amd64');
    assert.deepEqual([...amd64.byName.keys()].sort(), ['data', 'libfoo']);
    assert.deepEqual(
      amd64.byName.get('libfoo')!.map((p) => [p.version, p.architecture]),
      [['1.0', 'amd64']],
    );

    const arm64 = buildUniverse(recs, 'arm64');
    assert.equal(arm64.arch, 'arm64');
    assert.deepEqual([...arm64.byName.keys()].sort(), ['arm-only', 'data', 'libfoo']);
    assert.deepEqual(
      arm64.byName.get('libfoo')!.map((p) => [p.version, p.architecture]),
      [['1.1', 'arm64']],
    );
    // `any` or a wildcard is not an architecture a binary record can have: it is simply not kept.
    assert.equal(buildUniverse(recs, 'any').byName.size, 1);
  });

  it('sorts each name best first by dpkg order, whichever suite a version comes from', () => {
    const u = universe('amd64', {
      'trixie/main': index(stanza('pkg', '1.0'), stanza('pkg', '1.0~rc1')),
      'trixie-security/main': stanza('pkg', '1.0+deb13u1'),
      'trixie-updates/main': index(stanza('pkg', '1:0.9'), stanza('pkg', '0.9+really1.0')),
    });
    assert.deepEqual(versionsOf(u, 'pkg'), [
      '1:0.9 trixie-updates/main',
      '1.0+deb13u1 trixie-security/main',
      '1.0 trixie/main',
      '1.0~rc1 trixie/main',
      '0.9+really1.0 trixie-updates/main',
    ]);
  });

  it('orders by version, not by the order records are given in', () => {
    const recs = records({
      a: index(stanza('x', '2.0-1'), stanza('x', '10.0-1'), stanza('x', '2.0-1.1'), stanza('x', '2.0')),
    });
    const forward = buildUniverse(recs, 'amd64');
    const backward = buildUniverse([...recs].reverse(), 'amd64');
    const expected = ['10.0-1', '2.0-1.1', '2.0-1', '2.0'];
    assert.deepEqual(
      forward.byName.get('x')!.map((p) => p.version),
      expected,
    );
    assert.deepEqual(
      backward.byName.get('x')!.map((p) => p.version),
      expected,
    );
  });

  it('keeps a version found in two suites once: the record given first', () => {
    const u = universe('amd64', {
      'trixie/main': index(stanza('libssl3t64', '3.5.1-1'), stanza('other', '1')),
      'trixie-updates/main': index(stanza('libssl3t64', '3.5.1-1'), stanza('libssl3t64', '3.5.1-1+deb13u1')),
    });
    assert.deepEqual(versionsOf(u, 'libssl3t64'), [
      '3.5.1-1+deb13u1 trixie-updates/main',
      '3.5.1-1 trixie/main',
    ]);
    const swapped = universe('amd64', {
      'trixie-updates/main': index(stanza('libssl3t64', '3.5.1-1'), stanza('libssl3t64', '3.5.1-1+deb13u1')),
      'trixie/main': index(stanza('libssl3t64', '3.5.1-1'), stanza('other', '1')),
    });
    assert.deepEqual(versionsOf(swapped, 'libssl3t64'), [
      '3.5.1-1+deb13u1 trixie-updates/main',
      '3.5.1-1 trixie-updates/main',
    ]);
  });

  it('indexes Provides from the best candidate of each name only', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('oldprov', '1', { Provides: 'gone-virtual' }),
        stanza('oldprov', '2'),
        stanza('newprov', '1', { Provides: 'stale-virtual' }),
      ),
      'trixie-security/main': stanza('newprov', '1+deb13u1', { Provides: 'fresh-virtual' }),
    });
    assert.equal(u.providers.get('gone-virtual'), undefined);
    assert.equal(u.providers.get('stale-virtual'), undefined);
    const fresh = u.providers.get('fresh-virtual')!;
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0]!.pkg.name, 'newprov');
    assert.equal(fresh[0]!.pkg.version, '1+deb13u1');
    assert.equal(fresh[0]!.pkg.origin, 'trixie-security/main');
    assert.equal(fresh[0]!.version, undefined);
  });

  it('keeps the version of a versioned Provides and none for an unversioned one', () => {
    const u = universe('amd64', {
      'trixie/main': stanza('libgcc-s1', '14.2.0-19', { Provides: 'libgcc1 (= 1:14.2.0-19), gcc-runtime' }),
    });
    assert.deepEqual(
      u.providers.get('libgcc1')!.map((p) => [p.pkg.name, p.version]),
      [['libgcc-s1', '1:14.2.0-19']],
    );
    const plain = u.providers.get('gcc-runtime')!;
    assert.equal(plain.length, 1);
    assert.equal(plain[0]!.pkg.name, 'libgcc-s1');
    assert.equal('version' in plain[0]!, false);
  });

  it('sorts the providers of a virtual name by provider name and ignores other architectures', () => {
    const u = universe('amd64', {
      'trixie/main': index(
        stanza('zsh-mta', '1', { Provides: 'mail-transport-agent' }),
        stanza('postfix', '3.10', { Provides: 'mail-transport-agent (= 3.10)' }),
        stanza('i386-mta', '1', { Architecture: 'i386', Provides: 'mail-transport-agent' }),
        stanza('exim4-daemon-light', '4.98', { Provides: 'mail-transport-agent' }),
      ),
      'trixie-updates/main': stanza('dma', '0.13', { Architecture: 'all', Provides: 'mail-transport-agent' }),
    });
    assert.deepEqual(
      u.providers.get('mail-transport-agent')!.map((p) => [p.pkg.name, p.version]),
      [
        ['dma', undefined],
        ['exim4-daemon-light', undefined],
        ['postfix', '3.10'],
        ['zsh-mta', undefined],
      ],
    );
  });

  it('does not index a virtual name as a real package', () => {
    const u = universe('amd64', { 'trixie/main': stanza('mawk', '1.3.4', { Provides: 'awk' }) });
    assert.equal(u.byName.has('awk'), false);
    assert.equal(u.providers.has('mawk'), false);
  });
});
