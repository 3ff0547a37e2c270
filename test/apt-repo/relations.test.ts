// Relationship fields (Policy §7.1): alternatives, versions, arch qualifiers, [arch] restrictions,
// <profile> groups, whitespace and folded lines, normalisation of '<'/'>', formatting, Provides, and
// errors that name the offending fragment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRelation, parseProvides, parseRelations } from '../../src/apt-repo/relations.ts';
import { isPithError } from '../../src/util/index.ts';

const badRelation = (re: RegExp) => (err: unknown) =>
  isPithError(err) && err.code === 'BAD_RELATION' && err.kind === 'invalid' && re.test(err.message);

describe('parseRelations', () => {
  it('parses entries, alternatives, versions and arch qualifiers', () => {
    assert.deepEqual(parseRelations('a (>= 1), b | c:any, d [amd64]'), [
      [{ name: 'a', op: '>=', version: '1' }],
      [{ name: 'b' }, { name: 'c', arch: 'any' }],
      [{ name: 'd', archs: { negated: false, list: ['amd64'] } }],
    ]);
  });

  it('accepts every operator and normalises the obsolete < and >', () => {
    const ops = parseRelations('a (<< 1), a (<= 1), a (= 1), a (>= 1), a (>> 1), a (< 1), a (> 1)');
    assert.deepEqual(
      ops.map((alts) => alts[0]!.op),
      ['<<', '<=', '=', '>=', '>>', '<=', '>='],
    );
  });

  it('treats an operator-less version as = (as dpkg and apt do)', () => {
    assert.deepEqual(parseRelations('a (1.0)'), [[{ name: 'a', op: '=', version: '1.0' }]]);
  });

  it('allows whitespace and newlines between tokens, and none needed', () => {
    const folded =
      'libc6\n (>=\t2.36),\n libssl3:amd64(>>3.0~rc1)|\n  zlib1g[!i386 !armel]  <!nocheck>  <stage1 cross> ,';
    assert.deepEqual(parseRelations(folded), [
      [{ name: 'libc6', op: '>=', version: '2.36' }],
      [
        { name: 'libssl3', arch: 'amd64', op: '>>', version: '3.0~rc1' },
        {
          name: 'zlib1g',
          archs: { negated: true, list: ['i386', 'armel'] },
          profiles: [['!nocheck'], ['stage1', 'cross']],
        },
      ],
    ]);
    assert.deepEqual(parseRelations('a(=1:2.0-1)'), [[{ name: 'a', op: '=', version: '1:2.0-1' }]]);
  });

  it('gives [] for an empty or blank field', () => {
    assert.deepEqual(parseRelations(''), []);
    assert.deepEqual(parseRelations(' \n '), []);
  });

  it('keeps versions and names exactly as written', () => {
    const [[r]] = parseRelations('lib++-dev.x (>= 1:0009.1-0~bpo+1)') as [
      [{ name: string; version: string }],
    ];
    assert.equal(r.name, 'lib++-dev.x');
    assert.equal(r.version, '1:0009.1-0~bpo+1');
  });

  it('rejects syntax errors, naming the fragment and where', () => {
    const cases: [string, RegExp][] = [
      ['a, , b', /empty entry in 'a, , b'/],
      ['a | | b', /empty alternative/],
      [', a', /empty entry/],
      ['a (>= 1', /unterminated '\('/],
      ['a (>= 1 2)', /bad version restriction in 'a \(>= 1 2\)'/],
      ['a (=> 1)', /bad operator '=>'/],
      ['a (<> 1)', /bad operator '<>'/],
      ['a (>= 1.0-)', /version '1.0-' has bad syntax: revision number is empty in 'a \(>= 1.0-\)'/],
      ['a (>=)', /missing version/],
      ['a [amd64', /unterminated '\['/],
      ['a [amd64 !i386]', /mixed negated and plain/],
      ['a []', /empty architecture list/],
      ['a <nocheck', /unterminated '<'/],
      ['a <>', /empty build profile/],
      ['a b', /unexpected 'b' in 'a b'/],
      ['a:', /bad architecture qualifier ''/],
      ['a :any', /unexpected ':any'/],
      ['-a', /bad package name '-a'/],
      ['a$b', /bad package name 'a\$b'/],
      ['a (>= 1) [amd64] (<< 2)', /unexpected '\(<< 2\)'/],
    ];
    for (const [text, re] of cases) {
      assert.throws(() => parseRelations(text, 'Depends of foo'), badRelation(re), text);
      assert.throws(() => parseRelations(text, 'Depends of foo'), /^PithError: Depends of foo: /, text);
    }
  });
});

describe('formatRelation', () => {
  it('writes the canonical spacing and round-trips', () => {
    const text = 'a:any (>= 1.0) [!i386 !armel] <!nocheck> <stage1 cross>';
    const [[r]] = parseRelations(text) as [[Parameters<typeof formatRelation>[0]]];
    assert.equal(formatRelation(r), text);
    assert.equal(formatRelation({ name: 'b', op: '<<', version: '2' }), 'b (<< 2)');
  });
});

describe('parseProvides', () => {
  it('parses names with optional exact versions', () => {
    assert.deepEqual(parseProvides('foo (= 1.0), bar,\n baz (=2:1-1)'), [
      { name: 'foo', version: '1.0' },
      { name: 'bar' },
      { name: 'baz', version: '2:1-1' },
    ]);
    assert.deepEqual(parseProvides(''), []);
  });

  it('rejects alternatives, other operators and qualifiers', () => {
    assert.throws(() => parseProvides('a | b'), badRelation(/alternatives/));
    assert.throws(() => parseProvides('a (>= 1)'), badRelation(/only '=' is allowed/));
    assert.throws(() => parseProvides('a:any'), badRelation(/not allowed in Provides/));
    assert.throws(() => parseProvides('a [amd64]'), badRelation(/not allowed in Provides/));
  });
});
