// deb822 parsing: field and value rules (continuations, ' .', trimming, CRLF), stanza separation,
// case-insensitive lookup, comments only when allowed, errors with file:line, and the speed needed
// for a ~50 MB Debian Packages file (generated here, so the test needs no network or host files).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeb822, stanzaPieces } from '../../src/apt-repo/deb822.ts';
import { isPithError } from '../../src/util/index.ts';

const badDeb822 = (re: RegExp) => (err: unknown) =>
  isPithError(err) && err.code === 'BAD_DEB822' && err.kind === 'invalid' && re.test(err.message);

describe('parseDeb822: values', () => {
  it('reads fields in order, keeping their spelling, with case-insensitive get', () => {
    const [s] = parseDeb822('Package: foo\nVERSION: 1.0\nmulti-arch: same\n');
    assert.deepEqual(
      [...s!.fields],
      [
        ['Package', 'foo'],
        ['VERSION', '1.0'],
        ['multi-arch', 'same'],
      ],
    );
    assert.equal(s!.get('package'), 'foo');
    assert.equal(s!.get('Version'), '1.0');
    assert.equal(s!.get('Multi-Arch'), 'same');
    assert.equal(s!.get('Depends'), undefined);
    assert.equal(s!.fields.get('package'), undefined, 'fields keeps the original spelling');
  });

  it('trims the first line and keeps colons inside values', () => {
    const [s] = parseDeb822('Homepage:   https://example.org:8080/a:b  \t\nEmpty:\nSpaced :x\n');
    assert.equal(s!.get('homepage'), 'https://example.org:8080/a:b');
    assert.equal(s!.get('empty'), '');
    assert.equal(s!.get('spaced'), 'x', "dpkg allows blanks before ':'");
  });

  it("joins continuation lines with '\\n', drops one leading blank, and turns ' .' into an empty line", () => {
    const text = 'Description: short\n long line\n .\n   indented\n\tafter tab\n ..\n  .\nX: y\n';
    const [s] = parseDeb822(text);
    assert.equal(s!.get('Description'), 'short\nlong line\n\n  indented\nafter tab\n..\n .');
    assert.equal(s!.get('X'), 'y');
  });

  it('keeps an empty first line of a multi-line field and trims trailing blanks of the value', () => {
    const [s] = parseDeb822('SHA256:\n abc 12 main/a  \n def 34 main/b   \n');
    assert.equal(s!.get('sha256'), '\nabc 12 main/a  \ndef 34 main/b');
  });

  it('tolerates CRLF line ends and a BOM', () => {
    const stanzas = parseDeb822('\ufeffA: 1\r\nB: two\r\n words\r\n\r\nC: 3\r\n');
    assert.equal(stanzas.length, 2);
    assert.equal(stanzas[0]!.get('a'), '1');
    assert.equal(stanzas[0]!.get('b'), 'two\nwords');
    assert.equal(stanzas[1]!.get('c'), '3');
  });
});

describe('parseDeb822: stanzas', () => {
  it('separates stanzas by one or more blank or whitespace-only lines, and records line numbers', () => {
    const text = '\n\nA: 1\nB: 2\n\n \t \n\nA: 3\n   \nA: 4';
    const stanzas = parseDeb822(text);
    assert.deepEqual(
      stanzas.map((s) => [s.line, s.get('a')]),
      [
        [3, '1'],
        [8, '3'],
        [10, '4'],
      ],
    );
  });

  it('gives no stanzas for empty or blank text', () => {
    assert.deepEqual(parseDeb822(''), []);
    assert.deepEqual(parseDeb822('\n \n\t\n'), []);
  });

  it('skips # comments only when allowed, without ending the stanza or the field', () => {
    const text = '# header\nTypes: deb\n# inside\nURIs: http://a\n  http://b\n# between\n  http://c\n\n#\n';
    const stanzas = parseDeb822(text, { comments: true });
    assert.equal(stanzas.length, 1);
    assert.equal(stanzas[0]!.line, 2);
    assert.equal(stanzas[0]!.get('uris'), 'http://a\n http://b\n http://c');
    assert.throws(() => parseDeb822(text), badDeb822(/^deb822:1: comment lines are not allowed/));
  });
});

describe('parseDeb822: errors', () => {
  const cases: [string, RegExp][] = [
    [' leading: continuation\n', /^Packages:1: continuation line outside a field/],
    ['A: 1\n\n continued\n', /^Packages:3: continuation line outside a field/],
    ['A: 1\nno colon here\n', /^Packages:2: line has no ':' \("no colon here"\)/],
    ['A: 1\nB: 2\na: 3\n', /^Packages:3: duplicate field 'a'/],
    ['A: 1\n\nB: 1\nB: 2\n', /^Packages:4: duplicate field 'B'/],
    ['-A: 1\n', /^Packages:1: bad field name '-A'/],
    ['A B: 1\n', /^Packages:1: bad field name 'A B'/],
    [': 1\n', /^Packages:1: bad field name ''/],
    ['Nämé: 1\n', /bad field name 'Nämé'/],
  ];
  for (const [text, re] of cases) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseDeb822(text, { where: 'Packages' }), badDeb822(re));
    });
  }

  it('allows the same field in different stanzas', () => {
    assert.equal(parseDeb822('A: 1\n\nA: 2\n').length, 2);
  });
});

/** A Packages-like text of about `bytes` characters, shaped like Debian's (20 fields per stanza). */
function syntheticPackages(bytes: number): { text: string; count: number } {
  const parts: string[] = [];
  let size = 0;
  let i = 0;
  for (; size < bytes; i++) {
    const v = `1:2.${i}.0-3+deb12u1`;
    const s =
      `Package: pkg-${i}\nSource: src-${i >> 2} (1.${i}-1)\nVersion: ${v}\nInstalled-Size: ${i % 9000}\n` +
      `Maintainer: Debian Maintainers <maint-${i}@lists.debian.org>\nArchitecture: amd64\n` +
      `Replaces: old-${i} (<< 1.0)\nDepends: libc6 (>= 2.34), libssl3 (>= 3.0.0), zlib1g (>= 1:1.1.4), ` +
      `pkg-${i + 1} (= ${v})\nPre-Depends: init-system-helpers (>= 1.54~)\n` +
      `Description: synthetic package ${i}\n long description line\n .\n second paragraph\n` +
      `Multi-Arch: same\nHomepage: https://example.org/pkg-${i}\nDescription-md5: ${'0123456789abcdef'.repeat(2)}\n` +
      `Tag: devel::library, implemented-in::c, role::shared-lib\nSection: libs\nPriority: optional\n` +
      `Filename: pool/main/p/pkg-${i}/pkg-${i}_2.${i}.0-3+deb12u1_amd64.deb\nSize: ${100000 + i}\n` +
      `MD5sum: ${'0123456789abcdef'.repeat(2)}\nSHA256: ${'0123456789abcdef'.repeat(4)}\n\n`;
    parts.push(s);
    size += s.length;
  }
  return { text: parts.join(''), count: i };
}

describe('parseDeb822: speed', () => {
  it('parses a 50 MB Packages-like file completely (its time reported, not asserted)', (t) => {
    const { text, count } = syntheticPackages(50 * 1024 * 1024);
    const t0 = performance.now();
    const stanzas = parseDeb822(text, { where: 'Packages' });
    const ms = performance.now() - t0;
    assert.equal(stanzas.length, count);
    const last = stanzas[count - 1]!;
    assert.equal(last.get('package'), `pkg-${count - 1}`);
    assert.equal(
      last.get('Description'),
      `synthetic package ${count - 1}\nlong description line\n\nsecond paragraph`,
    );
    assert.equal(last.fields.size, 20);
    // the time is reported, never asserted (machines differ); `npm run bench` measures speed
    t.diagnostic(`${count} stanzas, ${(text.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
  });
});

describe('stanzaPieces', () => {
  const TEXT = 'Package: a\nVersion: 1\n\nPackage: b\nDescription: x\n .\n y\n\nPackage: c\nVersion: 3\n';
  const cuts = async (chunks: string[]) => {
    const out: string[] = [];
    for await (const p of stanzaPieces(
      (async function* () {
        for (const c of chunks) yield Buffer.from(c);
      })(),
    ))
      out.push(p.toString());
    return out;
  };

  it('cuts after empty lines however the chunks fall, and parses alone what it cut', async () => {
    const whole = parseDeb822(TEXT);
    // every split of the text into two chunks, the empty line between them included
    for (let at = 0; at <= TEXT.length; at++) {
      const pieces = await cuts([TEXT.slice(0, at), TEXT.slice(at)]);
      assert.equal(pieces.join(''), TEXT, `split at ${at}`);
      for (const p of pieces.slice(0, -1))
        assert.ok(p.endsWith('\n\n'), `split at ${at}: ${JSON.stringify(p)}`);
      let firstLine = 1;
      const stanzas = pieces.flatMap((p) => {
        const got = parseDeb822(p, { firstLine });
        firstLine += p.split('\n').length - 1;
        return got;
      });
      assert.deepEqual(
        stanzas.map((s) => [s.get('Package'), s.line]),
        whole.map((s) => [s.get('Package'), s.line]),
        `split at ${at}`,
      );
    }
    // one byte at a time: the pair of newlines always lies across two chunks
    assert.deepEqual(await cuts([...TEXT]), [
      'Package: a\nVersion: 1\n\n',
      'Package: b\nDescription: x\n .\n y\n\n',
      'Package: c\nVersion: 3\n',
    ]);
  });

  it('text without an empty line (CRLF line ends) comes out whole, once', async () => {
    const crlf = TEXT.replaceAll('\n', '\r\n');
    assert.deepEqual(await cuts([crlf.slice(0, 10), crlf.slice(10, 30), crlf.slice(30)]), [crlf]);
  });
});
