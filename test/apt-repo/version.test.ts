// Debian version parsing and ordering: a table of known cases (Debian Policy §5.6.12, dpkg's own tests).
// The differential test against the host's dpkg is test/interop/dpkg-versions.test.ts (full suite).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareParsedVersions, parseVersion, satisfies } from '../../src/apt-repo/version.ts';
import { isPithError } from '../../src/util/index.ts';
import { sign, verdict } from './dpkg-oracle.ts';
import { versionCorpus } from './version-gen.ts';

const badVersion = (err: unknown) => isPithError(err) && err.code === 'BAD_VERSION' && err.kind === 'invalid';

describe('parseVersion', () => {
  it('splits epoch at the first colon and revision at the last hyphen', () => {
    assert.deepEqual(parseVersion('1:2.30-1+deb12u1'), { epoch: 1, upstream: '2.30', revision: '1+deb12u1' });
    assert.deepEqual(parseVersion('1.2-3-4'), { epoch: 0, upstream: '1.2-3', revision: '4' });
    assert.deepEqual(parseVersion('2:1:2-3'), { epoch: 2, upstream: '1:2', revision: '3' });
    assert.deepEqual(parseVersion('1.0'), { epoch: 0, upstream: '1.0', revision: '' });
    assert.deepEqual(parseVersion('  1.0-1\t'), { epoch: 0, upstream: '1.0', revision: '1' });
  });

  it('reads epochs like C strtol: sign, leading zeros, up to INT_MAX', () => {
    assert.equal(parseVersion('00:1').epoch, 0);
    assert.equal(parseVersion('+1:1').epoch, 1);
    assert.equal(parseVersion('-0:1').epoch, 0);
    assert.equal(parseVersion('2147483647:1').epoch, 2147483647);
    assert.throws(() => parseVersion('2147483648:1'), /too big/);
    assert.throws(() => parseVersion('99999999999999999999:1'), /too big/);
    assert.throws(() => parseVersion('-1:1'), /negative/);
  });

  it('rejects what dpkg rejects, with BAD_VERSION', () => {
    for (const v of ['', '   ', '1.0-', ':1.0', 'a:1.0', '1a:1', '1:', '1.0 1', '1:-1', '-1', '1: 2']) {
      assert.throws(() => parseVersion(v), badVersion, JSON.stringify(v));
    }
  });

  it('accepts what dpkg only warns about, unless strict', () => {
    for (const v of ['a1.0', '1.0_1', '1.0-a_b', '~1', '1.0é', '1!']) {
      assert.doesNotThrow(() => parseVersion(v), v);
      assert.throws(() => parseVersion(v, { strict: true }), badVersion, v);
    }
    assert.doesNotThrow(() => parseVersion('1:1.0+dfsg~rc1-0.1~bpo12+1', { strict: true }));
  });
});

/** Known orderings, each listed from lowest to highest; '=' marks a tie with the previous entry. */
const CHAINS: string[][] = [
  ['1~~', '1~~a', '1~', '1', '1a'], // Policy §5.6.12's example, with a leading digit
  ['1.0~rc1', '1.0~rc2', '1.0', '1.0a', '1.0+', '1.0+b1', '1.0.1'],
  ['3.0.11-1~deb12u2', '3.0.11-1', '3.0.11-1+deb12u1'],
  ['1.2.9', '1.2.10', '1.10'],
  ['1.01', '=1.1', '=1.001', '1.2'],
  ['1.0', '=1.0-0', '=0:1.0', '=1.0-00', '1.0-0.1', '1.0-1'],
  ['9.9', '1:0', '=01:0', '1:99', '2:0'],
  ['9007199254740992', '9007199254740993', '18446744073709551616', '=018446744073709551616'],
  ['1.0-1', '1.0-1.1', '1.0-2', '1.0-10'],
  ['1.2-3-4', '1.2-3.1-4', '1.2.3-4'],
  ['1A', '1Z', '1a', '1z'], // letters sort by ASCII code
  ['1-0+', '1+', '1.'], // non-letters sort by ASCII code (+ 43 < . 46)
];

describe('compareVersions (known cases)', () => {
  for (const chain of CHAINS) {
    it(chain.join(' '), () => {
      for (let i = 1; i < chain.length; i++) {
        const tie = chain[i]!.startsWith('=');
        const b = tie ? chain[i]!.slice(1) : chain[i]!;
        const a = chain[i - 1]!.replace(/^=/, '');
        assert.equal(verdict(a, b), tie ? 'eq' : 'lt', `${a} vs ${b}`);
        assert.equal(verdict(b, a), tie ? 'eq' : 'gt', `${b} vs ${a}`);
      }
    });
  }

  it('orders non-ASCII by UTF-8 bytes, after letters and before other punctuation', () => {
    assert.equal(verdict('1é', '1z'), 'gt');
    assert.equal(verdict('1é', '1+'), 'lt');
  });

  it('compares pre-parsed versions the same way', () => {
    assert.ok(compareParsedVersions(parseVersion('1:1.0'), parseVersion('2.0')) > 0);
    assert.equal(compareParsedVersions(parseVersion('1.0'), parseVersion('1.0-0')), 0);
    // compareVersions has a copy-free fast path; it must agree with the parsed path everywhere.
    const corpus = versionCorpus(3, 1500);
    for (let i = 1; i < corpus.length; i++) {
      const [a, b] = [corpus[i - 1]!, corpus[i]!];
      const slow = sign(compareParsedVersions(parseVersion(a), parseVersion(b)));
      assert.equal(verdict(a, b), slow, `${a} vs ${b}`);
    }
  });
});

describe('satisfies', () => {
  it('implements every operator, with < and > as the obsolete <= and >=', () => {
    const cases: [string, Parameters<typeof satisfies>[1], string, boolean][] = [
      ['1.0', '<<', '1.1', true],
      ['1.1', '<<', '1.1', false],
      ['1.1', '<=', '1.1', true],
      ['1.1-0', '=', '1.1', true],
      ['1.1', '=', '1.1-1', false],
      ['1.1', '>=', '1.1', true],
      ['1.1', '>>', '1.1', false],
      ['1:0', '>>', '9.9', true],
      ['1.1', '<', '1.1', true],
      ['1.1', '>', '1.1', true],
      ['1.2', '<', '1.1', false],
      ['1.0', '>', '1.1', false],
    ];
    for (const [v, op, bound, want] of cases)
      assert.equal(satisfies(v, op, bound), want, `${v} ${op} ${bound}`);
  });

  it('rejects an unknown operator and a bad version', () => {
    assert.throws(() => satisfies('1', '==' as '=', '1'), /unknown version relation operator/);
    assert.throws(() => satisfies('1.0-', '=', '1'), badVersion);
  });
});
