// Architecture wildcards and restriction lists: a table of dpkg-architecture facts, and a differential
// test of archIs against Dpkg::Arch::debarch_is from the host's libdpkg-perl (skipped if absent).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { archIs, archMatches, archTuple, wildcardTuple } from '../../src/apt-repo/arch.ts';

const ARCHES = [
  ...['amd64', 'arm64', 'armhf', 'armel', 'i386', 'x32', 'mips64el', 'mipsel', 'ppc64el', 's390x'],
  ...['riscv64', 'loong64', 'powerpc', 'ppc64', 'sparc64', 'alpha', 'hppa', 'm68k', 'sh4', 'ia64'],
  ...['arm64ilp32', 'powerpcspe', 'mipsn32el', 'musl-linux-amd64', 'musl-linux-armhf', 'uclibc-linux-armel'],
  ...['hurd-i386', 'hurd-amd64', 'kfreebsd-amd64', 'kfreebsd-armhf', 'linux-amd64', 'arm', 'all', 'bogus'],
];
const PATTERNS = [
  ...['any', 'all', 'linux-any', 'any-amd64', 'any-i386', 'any-arm', 'any-arm64', 'any-mips64el'],
  ...[
    'gnu-any-any',
    'musl-any-any',
    'any-linux-any',
    'gnu-linux-any',
    'eabihf-any-any-any',
    'x32-any-any-any',
  ],
  ...['base-gnu-linux-amd64', 'hurd-any', 'kfreebsd-any', 'any-any', 'foo-any', 'any-foo', 'any-armhf'],
  ...['amd64', 'i386', 'armhf', 'linux-amd64', 'linux-armhf', 'musl-linux-amd64', 'x32', 'bogus'],
];

describe('archTuple / wildcardTuple', () => {
  it('maps architectures to dpkg tuples', () => {
    assert.deepEqual(archTuple('amd64'), ['base', 'gnu', 'linux', 'amd64']);
    assert.deepEqual(archTuple('armhf'), ['eabihf', 'gnu', 'linux', 'arm']);
    assert.deepEqual(archTuple('x32'), ['x32', 'gnu', 'linux', 'amd64']);
    assert.deepEqual(archTuple('musl-linux-arm64'), ['base', 'musl', 'linux', 'arm64']);
    assert.deepEqual(archTuple('hurd-i386'), ['base', 'gnu', 'hurd', 'i386']);
    assert.deepEqual(archTuple('linux-armel'), ['eabi', 'gnu', 'linux', 'arm']);
    assert.equal(archTuple('armhfx'), undefined);
  });

  it('pads wildcards on the left with any', () => {
    assert.deepEqual(wildcardTuple('any'), ['any', 'any', 'any', 'any']);
    assert.deepEqual(wildcardTuple('linux-any'), ['any', 'any', 'linux', 'any']);
    assert.deepEqual(wildcardTuple('any-amd64'), ['any', 'any', 'any', 'amd64']);
    assert.deepEqual(wildcardTuple('gnu-any-any'), ['any', 'gnu', 'any', 'any']);
  });
});

describe('archIs', () => {
  it('matches wildcards the way dpkg-architecture -i does', () => {
    const yes: [string, string][] = [
      ['amd64', 'any'],
      ['amd64', 'linux-any'],
      ['amd64', 'any-amd64'],
      ['x32', 'any-amd64'],
      ['armhf', 'any-arm'],
      ['armel', 'any-arm'],
      ['musl-linux-amd64', 'linux-any'],
      ['hurd-i386', 'any-i386'],
      ['amd64', 'linux-amd64'],
      ['amd64', 'gnu-linux-any'],
    ];
    const no: [string, string][] = [
      ['amd64', 'any-i386'],
      ['armhf', 'any-armhf'],
      ['hurd-i386', 'linux-any'],
      ['musl-linux-amd64', 'gnu-any-any'],
      ['amd64', 'i386'],
      ['amd64', 'x32'],
      ['all', 'linux-any'],
      ['amd64', 'all'],
    ];
    for (const [a, p] of yes) assert.equal(archIs(a, p), true, `${a} is ${p}`);
    for (const [a, p] of no) assert.equal(archIs(a, p), false, `${a} is not ${p}`);
  });

  it('agrees with Dpkg::Arch::debarch_is on every arch × pattern', () => {
    const script =
      'use Dpkg::Arch qw(debarch_is); while (<STDIN>) { chomp; my ($a, $p) = split / /; print debarch_is($a, $p) ? "1\\n" : "0\\n"; }';
    const pairs = ARCHES.flatMap((a) => PATTERNS.map((p) => [a, p] as const));
    const res = spawnSync('perl', ['-e', script], { input: pairs.map((p) => p.join(' ')).join('\n') });
    const want = res.stdout.toString().trim().split('\n');
    assert.equal(want.length, pairs.length);
    const wrong = pairs.filter(([a, p], i) => (archIs(a, p) ? '1' : '0') !== want[i]);
    assert.deepEqual(wrong, []);
    assert.ok(want.filter((w) => w === '1').length > 50);
  });
});

describe('archMatches', () => {
  it('needs one match in a plain list', () => {
    assert.equal(archMatches({ negated: false, list: ['amd64', 'arm64'] }, 'amd64'), true);
    assert.equal(archMatches({ negated: false, list: ['linux-any'] }, 'arm64'), true);
    assert.equal(archMatches({ negated: false, list: ['i386', 'hurd-any'] }, 'amd64'), false);
  });

  it('needs no match in a negated list', () => {
    assert.equal(archMatches({ negated: true, list: ['i386', 'armel'] }, 'amd64'), true);
    assert.equal(archMatches({ negated: true, list: ['i386', 'any-amd64'] }, 'amd64'), false);
  });

  it('lower-cases entries as dpkg does', () => {
    assert.equal(archMatches({ negated: false, list: ['AMD64'] }, 'amd64'), true);
  });
});
