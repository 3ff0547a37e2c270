// Debian version parsing and ordering against the host's `dpkg --compare-versions` and `dpkg
// --validate-version` over thousands of generated versions: a differential test, in the full suite because
// it runs dpkg some thousand times (test/apt-repo/version.test.ts holds the table of known cases).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions, parseVersion } from '../../src/apt-repo/version.ts';
import { dpkgCompare, dpkgValidity, sign, verdict } from '../apt-repo/dpkg-oracle.ts';
import { rng, versionCorpus } from '../apt-repo/version-gen.ts';

describe('against dpkg --compare-versions', () => {
  it('agrees on every pair of 1,500 generated versions (sorted chain + transitivity)', async () => {
    const corpus = versionCorpus(20260822, 1500).filter((v) => verdict(v, v) === 'eq');
    assert.ok(corpus.length > 1400, `corpus too small: ${corpus.length}`);
    const sorted = [...corpus].sort(compareVersions);
    // Our ranks; the comparator must agree with them on all pairs (a total preorder).
    const rank = [0];
    for (let i = 1; i < sorted.length; i++) {
      rank.push(rank[i - 1]! + (compareVersions(sorted[i - 1]!, sorted[i]!) < 0 ? 1 : 0));
    }
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        if (sign(compareVersions(sorted[i]!, sorted[j]!)) !== sign(rank[i]! - rank[j]!)) {
          assert.fail(`not a total order: ${sorted[i]} vs ${sorted[j]}`);
        }
      }
    }
    // dpkg agreeing on each adjacent pair implies, by its own transitivity, agreement on every pair.
    const pairs = sorted.slice(1).map((b, i) => [sorted[i]!, b] as const);
    const got = await dpkgCompare(pairs);
    const wrong = pairs.filter(([a, b], i) => got[i] !== verdict(a, b));
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} adjacent pairs disagree`);
    const ties = got.filter((v) => v === 'eq').length;
    assert.ok(ties > 30 && ties < pairs.length - 300, `chain should mix ties and steps (ties ${ties})`);
  });

  it('agrees on 800 random pairs checked directly', async () => {
    const r = rng(7);
    const corpus = versionCorpus(99, 800);
    const pairs = Array.from({ length: 800 }, () => {
      const a = corpus[Math.floor(r() * corpus.length)]!;
      const b = r() < 0.2 ? a.replace(/^0:|-0$/, '') : corpus[Math.floor(r() * corpus.length)]!;
      return [a, b] as const;
    });
    const got = await dpkgCompare(pairs);
    const wrong = pairs.map(([a, b], i) => [a, b, got[i], verdict(a, b)]).filter((w) => w[2] !== w[3]);
    assert.deepEqual(wrong.slice(0, 10), []);
  });

  it('rejects, warns about and accepts exactly the versions dpkg does', async () => {
    const handmade = [
      ...['1.0-', ':1', 'a:1', '1:', '1 0', ' 1.0', '1.0 ', '1:-1', '+1:1', '00:1', '1:1:1', '1--1'],
      ...['2147483647:1', '2147483648:1', '1.0-1-', '1.0_1', 'a', '~', '1:a', '1-a_b', '1é', '1.0-é'],
      ...['0', '1-0', '1-', '1:1-', '1.0~', 'A1', '1,0', '1/0', '1-1:1', '1\\0', '1"', "1'", '1$x'],
    ];
    const versions = [...handmade, ...versionCorpus(5, 400)];
    const got = await dpkgValidity(versions);
    const ours = versions.map((v) => {
      try {
        parseVersion(v);
      } catch {
        return 'error';
      }
      try {
        parseVersion(v, { strict: true });
        return 'ok';
      } catch {
        return 'warning';
      }
    });
    const wrong = versions.map((v, i) => [v, got[i], ours[i]]).filter((w) => w[1] !== w[2]);
    assert.deepEqual(wrong, []);
    assert.ok(got.includes('error') && got.includes('warning') && got.includes('ok'));
  });
});
