// Test helper: a seeded generator of tricky Debian versions for differential testing against dpkg.
// Versions are built from a small alphabet of pieces so that near-ties are common: epochs ('0:', '00:',
// '+1:'), '~' and '~~', '+', '.', letters of both cases, leading zeros, digit runs beyond 2^53, hyphens
// inside upstream, empty revision versus '-0', and now and then characters dpkg only warns about.

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EPOCHS = ['', '', '', '', '', '0:', '1:', '1:', '2:', '00:', '01:', '10:', '+1:', '2147483647:'];
const DIGITS = [
  '0',
  '1',
  '1',
  '2',
  '9',
  '10',
  '01',
  '001',
  '00',
  '99',
  '100',
  '9007199254740993',
  '9007199254740992',
  '18446744073709551616',
  '018446744073709551616',
  '123456789012345678901234567890',
];
const WORDS = ['a', 'b', 'z', 'A', 'Z', 'rc', 'alpha', 'beta', 'dfsg', 'deb', 'ubuntu', 'git', 'b'];
const SEPS = ['.', '.', '.', '+', '~', '~~', '-', '+~', '~+', ':', '.~', '~.'];
const REVISIONS = ['', '', '', '0', '00', '1', '1', '2', '10', '1~', '1~bpo12+1', '0.1', '1+b1', '1+deb12u1'];
const ODD = ['_', '%', 'é', '@', '!', '=', '#'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** One upstream part: starts with a digit (or, rarely, something dpkg only warns about). */
function upstream(r: () => number, allowColon: boolean, allowHyphen: boolean): string {
  let s = r() < 0.03 ? pick(r, [...WORDS, '~', '.']) : pick(r, DIGITS);
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    let sep = pick(r, SEPS);
    if ((sep === ':' && !allowColon) || (sep === '-' && !allowHyphen)) sep = '.';
    if (r() < 0.02) sep = pick(r, ODD);
    s += r() < 0.3 ? sep + pick(r, WORDS) : r() < 0.5 ? sep + pick(r, DIGITS) : pick(r, WORDS);
    if (r() < 0.3) s += pick(r, DIGITS);
  }
  return s;
}

/** One random version string; never starts with '-' and never contains blanks. */
export function randomVersion(r: () => number): string {
  const epoch = pick(r, EPOCHS);
  const revision = r() < 0.6 ? pick(r, REVISIONS) : '';
  const up = upstream(r, epoch !== '', revision !== '');
  let v = epoch + up;
  if (revision !== '') v += `-${revision}`;
  else if (r() < 0.1) v += '-0';
  if (r() < 0.01) v += pick(r, ODD);
  return v;
}

/** `count` distinct versions from `seed`. */
export function versionCorpus(seed: number, count: number): string[] {
  const r = rng(seed);
  const out = new Set<string>();
  while (out.size < count) out.add(randomVersion(r));
  return [...out];
}
