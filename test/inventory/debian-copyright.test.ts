// Licences from Debian copyright files in the machine-readable format (copyright-format 1.0): every
// License short name, the `Files: *` paragraph's first, mapped to SPDX where the meaning is the same;
// free-text files give nothing rather than a guess.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { copyrightPackage, dep5Licenses } from '../../src/inventory/index.ts';

const DEP5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: example

Files: lib/*
Copyright: 2020 Someone
License: MIT and BSD-3-clause, and GPL-2+ with OpenSSL exception

Files: *
Copyright: 1999 Upstream
License: GPL-2+ or Artistic
 This program is free software; the licence text continues here.

Files: debian/*
License: GPL-2+

License: GPL-2+
 The full text of GPL-2+.
`;

it('DEP-5: every short name once, Files: * first, SPDX ids where the meaning is the same', () => {
  assert.deepEqual(dep5Licenses(DEP5), [
    { name: 'GPL-2+', spdx: 'GPL-2.0-or-later' },
    { name: 'Artistic' },
    { name: 'MIT', spdx: 'MIT' },
    { name: 'BSD-3-clause', spdx: 'BSD-3-Clause' },
    { name: 'GPL-2+ with OpenSSL exception' },
  ]);
});

it('a free-text copyright file, or a broken one, gives no licence', () => {
  assert.deepEqual(dep5Licenses('This package was debianized by someone.\n\nLicense: GPL\n'), []);
  assert.deepEqual(
    dep5Licenses(
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n bad continuation\n',
    ),
    [],
  );
});

it('copyright files are found at usr/share/doc/PKG/copyright only', () => {
  assert.equal(copyrightPackage('usr/share/doc/zlib1g/copyright'), 'zlib1g');
  assert.equal(copyrightPackage('usr/share/doc/zlib1g/changelog.gz'), undefined);
  assert.equal(copyrightPackage('opt/usr/share/doc/x/copyright'), undefined);
});
