// apt sources as the host's apt reads them: deb822 `.sources` files (comments, several stanzas,
// `Enabled`, Signed-By) and one-line `sources.list` entries ([options], deb-src, comments), and the
// archive / security mirrors chosen from them. Only made-up `.invalid` hosts appear here.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { type AptSource, mirrorsFrom, readAptSources } from '../../src/apt-repo/apt-sources.ts';
import { tempDir } from '../helpers.ts';

/** A temporary root holding the given files (paths relative to the root). */
async function aptRoot(t: TestContext, files: Record<string, string>): Promise<string> {
  const root = await tempDir(t, 'pith-apt-sources-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const X_SOURCES = [
  '# Debian archive for pith tests',
  '# (comments are allowed before, between and inside stanzas)',
  'Enabled: no',
  'Types: deb',
  'URIs: http://disabled.example.invalid/debian',
  'Suites: trixie',
  'Components: main',
  '',
  'Types: deb deb-src',
  'URIs: http://mirror.example.invalid/debian/',
  '# a comment inside a stanza',
  'Suites: trixie trixie-updates',
  'Components: main contrib non-free-firmware',
  'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
  '',
].join('\n');

const SOURCES_LIST = [
  '# See sources.list(5)',
  'deb-src http://src.example.invalid/debian trixie main',
  '',
  'deb [arch=amd64 signed-by=/usr/share/keyrings/security.gpg] http://security.example.invalid/debian-security/ trixie-security main contrib # trailing comment',
  'deb file:/srv/mirror trixie main',
  '#deb http://commented.example.invalid/debian trixie main',
  '   deb   https://security2.example.invalid/debian-security   trixie-security   main   ',
  '',
].join('\n');

describe('readAptSources', () => {
  it('reads deb822 .sources and one-line entries, skipping disabled stanzas and comments', async (t) => {
    const root = await aptRoot(t, {
      'etc/apt/sources.list.d/x.sources': X_SOURCES,
      'etc/apt/sources.list.d/y.list': 'deb http://extra.example.invalid/debian trixie main\n',
      'etc/apt/sources.list.d/old.list.save': 'deb http://saved.example.invalid/debian trixie main\n',
      'etc/apt/sources.list.d/README': 'not a source\n',
      'etc/apt/sources.list': SOURCES_LIST,
    });
    const sources = await readAptSources(root);
    const dir = join(root, 'etc/apt/sources.list.d');
    const list = join(root, 'etc/apt/sources.list');
    const byOrigin = new Map(sources.map((s) => [s.origin, s]));
    assert.deepEqual(
      [...byOrigin.keys()].sort(),
      [`${dir}/x.sources:9`, `${dir}/y.list:1`, `${list}:2`, `${list}:4`, `${list}:5`, `${list}:7`].sort(),
    );
    assert.equal(sources.length, 6);
    assert.deepEqual(byOrigin.get(`${dir}/x.sources:9`), {
      types: ['deb', 'deb-src'],
      uris: ['http://mirror.example.invalid/debian/'],
      suites: ['trixie', 'trixie-updates'],
      components: ['main', 'contrib', 'non-free-firmware'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
      origin: `${dir}/x.sources:9`,
    });
    assert.deepEqual(byOrigin.get(`${dir}/y.list:1`), {
      types: ['deb'],
      uris: ['http://extra.example.invalid/debian'],
      suites: ['trixie'],
      components: ['main'],
      origin: `${dir}/y.list:1`,
    });
    assert.deepEqual(byOrigin.get(`${list}:2`), {
      types: ['deb-src'],
      uris: ['http://src.example.invalid/debian'],
      suites: ['trixie'],
      components: ['main'],
      origin: `${list}:2`,
    });
    assert.deepEqual(byOrigin.get(`${list}:4`), {
      types: ['deb'],
      uris: ['http://security.example.invalid/debian-security/'],
      suites: ['trixie-security'],
      components: ['main', 'contrib'],
      signedBy: '/usr/share/keyrings/security.gpg',
      origin: `${list}:4`,
    });
    assert.deepEqual(byOrigin.get(`${list}:5`), {
      types: ['deb'],
      uris: ['file:/srv/mirror'],
      suites: ['trixie'],
      components: ['main'],
      origin: `${list}:5`,
    });
    assert.deepEqual(byOrigin.get(`${list}:7`), {
      types: ['deb'],
      uris: ['https://security2.example.invalid/debian-security'],
      suites: ['trixie-security'],
      components: ['main'],
      origin: `${list}:7`,
    });
    assert.ok(!sources.some((s) => s.uris.some((u) => /disabled|commented|saved/.test(u))));
  });

  it('reads the files of sources.list.d in name order', async (t) => {
    const root = await aptRoot(t, {
      'etc/apt/sources.list.d/b.sources':
        'Types: deb\nURIs: http://b.example.invalid/debian\nSuites: trixie\nComponents: main\n',
      'etc/apt/sources.list.d/a.list': 'deb http://a.example.invalid/debian trixie main\n',
      'etc/apt/sources.list.d/c.list': 'deb http://c.example.invalid/debian trixie main\n',
    });
    const sources = await readAptSources(root);
    assert.deepEqual(
      sources.map((s) => s.uris[0]),
      [
        'http://a.example.invalid/debian',
        'http://b.example.invalid/debian',
        'http://c.example.invalid/debian',
      ],
    );
  });

  it('finds the archive and the security mirror of the host configuration', async (t) => {
    const root = await aptRoot(t, {
      'etc/apt/sources.list.d/x.sources': X_SOURCES,
      'etc/apt/sources.list': SOURCES_LIST,
    });
    assert.deepEqual(mirrorsFrom(await readAptSources(root)), {
      archive: 'http://mirror.example.invalid/debian',
      security: 'http://security.example.invalid/debian-security',
    });
  });

  it('gives nothing for a root without apt configuration', async (t) => {
    const root = await aptRoot(t, {});
    assert.deepEqual(await readAptSources(root), []);
    assert.deepEqual(mirrorsFrom([]), {});
  });

  it('skips stanzas whose Enabled is no, in any case, and keeps Enabled: yes', async (t) => {
    const root = await aptRoot(t, {
      'etc/apt/sources.list.d/x.sources': [
        'Enabled: NO',
        'Types: deb',
        'URIs: http://off.example.invalid/debian',
        'Suites: trixie',
        'Components: main',
        '',
        'Types: deb',
        'URIs: http://on.example.invalid/debian',
        'Suites: trixie',
        'Components: main',
        'Enabled: yes',
        '',
      ].join('\n'),
    });
    assert.deepEqual(
      (await readAptSources(root)).map((s) => s.uris[0]),
      ['http://on.example.invalid/debian'],
    );
  });

  it('skips stanzas whose Enabled is any false value apt accepts (false, off)', async (t) => {
    // apt's ParseStanza uses StringToBool, which reads no/false/without/off/disable as false.
    const root = await aptRoot(t, {
      'etc/apt/sources.list.d/x.sources': [
        'Enabled: false',
        'Types: deb',
        'URIs: http://off1.example.invalid/debian',
        'Suites: trixie',
        'Components: main',
        '',
        'Enabled: off',
        'Types: deb',
        'URIs: http://off2.example.invalid/debian',
        'Suites: trixie',
        'Components: main',
        '',
        'Types: deb',
        'URIs: http://on.example.invalid/debian',
        'Suites: trixie',
        'Components: main',
        '',
      ].join('\n'),
    });
    assert.deepEqual(
      (await readAptSources(root)).map((s) => s.uris[0]),
      ['http://on.example.invalid/debian'],
    );
  });

  it('keeps a Signed-By path but not an inline key block', async (t) => {
    const root = await aptRoot(t, {
      'etc/apt/sources.list.d/inline.sources': [
        'Types: deb',
        'URIs: http://inline.example.invalid/debian',
        'Suites: trixie',
        'Components: main',
        'Signed-By:',
        ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
        ' .',
        ' mDMEZmadeupkeymaterial',
        ' -----END PGP PUBLIC KEY BLOCK-----',
        '',
      ].join('\n'),
    });
    const [src, ...rest] = await readAptSources(root);
    assert.equal(rest.length, 0);
    assert.deepEqual(src!.uris, ['http://inline.example.invalid/debian']);
    assert.equal('signedBy' in src!, false);
  });

  it('reads sources.list before sources.list.d, as apt does', async (t) => {
    // apt's pkgSourceList::ReadMainList: "Entries in sources.list have priority over entries in
    // sources.list.d" — it reads Dir::Etc::sourcelist, then Dir::Etc::sourceparts.
    const root = await aptRoot(t, {
      'etc/apt/sources.list': 'deb http://list.example.invalid/debian trixie main\n',
      'etc/apt/sources.list.d/a.sources':
        'Types: deb\nURIs: http://parts.example.invalid/debian\nSuites: trixie\nComponents: main\n',
    });
    const sources = await readAptSources(root);
    assert.deepEqual(
      sources.map((s) => s.origin),
      [join(root, 'etc/apt/sources.list:1'), join(root, 'etc/apt/sources.list.d/a.sources:1')],
    );
    assert.equal(mirrorsFrom(sources).archive, 'http://list.example.invalid/debian');
  });
});

describe('mirrorsFrom', () => {
  const src = (types: string, uris: string, suites: string): AptSource => ({
    types: types.split(' '),
    uris: uris.split(' '),
    suites: suites.split(' '),
    components: ['main'],
    origin: 'test',
  });

  it('picks the first archive and the first security source', () => {
    assert.deepEqual(
      mirrorsFrom([
        src('deb', 'http://one.example.invalid/debian', 'trixie trixie-updates'),
        src('deb', 'http://sec-one.example.invalid/debian-security', 'trixie-security'),
        src('deb', 'http://two.example.invalid/debian', 'trixie'),
        src('deb', 'http://sec-two.example.invalid/debian-security', 'trixie-security'),
      ]),
      {
        archive: 'http://one.example.invalid/debian',
        security: 'http://sec-one.example.invalid/debian-security',
      },
    );
  });

  it('ignores deb-src entries and non-http URIs', () => {
    assert.deepEqual(
      mirrorsFrom([
        src('deb-src', 'http://src.example.invalid/debian', 'trixie'),
        src('deb-src', 'http://src.example.invalid/debian-security', 'trixie-security'),
        src('deb', 'file:/srv/mirror', 'trixie'),
        src('deb', 'cdrom:/media/cdrom/', 'trixie'),
        src('deb', 'ftp://ftp.example.invalid/debian', 'trixie'),
        src('deb', 'mirror+file:/etc/apt/mirrors.txt', 'trixie-security'),
        src('deb', 'https://archive.example.invalid/debian', 'trixie'),
        src('deb', 'http://security.example.invalid/debian-security', 'trixie-security'),
      ]),
      {
        archive: 'https://archive.example.invalid/debian',
        security: 'http://security.example.invalid/debian-security',
      },
    );
    assert.deepEqual(mirrorsFrom([src('deb-src', 'http://src.example.invalid/debian', 'trixie')]), {});
  });

  it('counts an entry whose types include deb among others', () => {
    assert.deepEqual(mirrorsFrom([src('deb-src deb', 'http://both.example.invalid/debian', 'trixie')]), {
      archive: 'http://both.example.invalid/debian',
    });
  });

  it('strips trailing slashes', () => {
    assert.deepEqual(
      mirrorsFrom([
        src('deb', 'http://mirror.example.invalid/debian/', 'trixie'),
        src('deb', 'http://security.example.invalid/debian-security///', 'trixie-security'),
      ]),
      {
        archive: 'http://mirror.example.invalid/debian',
        security: 'http://security.example.invalid/debian-security',
      },
    );
  });

  it('treats the old suite/updates form as security, and a stanza with any security suite as security', () => {
    assert.deepEqual(
      mirrorsFrom([
        src('deb', 'http://old-security.example.invalid/debian-security', 'buster/updates'),
        src('deb', 'http://mixed.example.invalid/debian', 'trixie trixie-security'),
        src('deb', 'http://mirror.example.invalid/debian', 'trixie'),
      ]),
      {
        archive: 'http://mirror.example.invalid/debian',
        security: 'http://old-security.example.invalid/debian-security',
      },
    );
  });

  it('leaves out what is not configured', () => {
    assert.deepEqual(mirrorsFrom([src('deb', 'http://mirror.example.invalid/debian', 'trixie')]), {
      archive: 'http://mirror.example.invalid/debian',
    });
    assert.deepEqual(
      mirrorsFrom([src('deb', 'http://security.example.invalid/debian-security', 'trixie-security')]),
      { security: 'http://security.example.invalid/debian-security' },
    );
  });

  it('uses an http URI of a stanza even when the stanza lists a non-http URI first', () => {
    // apt makes one source per URI of a deb822 stanza; the http mirror is one of them.
    assert.deepEqual(
      mirrorsFrom([src('deb', 'file:/srv/mirror http://mirror.example.invalid/debian/', 'trixie')]),
      { archive: 'http://mirror.example.invalid/debian' },
    );
  });
});
