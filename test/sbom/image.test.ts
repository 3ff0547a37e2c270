// SBOMs of a real image with OS, npm and Python packages (issue 9, point 2): pith builds one from files
// alone (a distroless-style status.d record, os-release, two node_modules manifests and a dist-info
// METADATA among them), reads its inventory back, and both documents must be valid (CycloneDX 1.6 and 1.5
// against the official schemas from the npm package @cyclonedx/cyclonedx-library), complete (every
// unowned regular file with its sha256) and reproducible.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { sbomJson, toCycloneDx, toSpdx } from '../../src/sbom/index.ts';
import { tempDir } from '../helpers.ts';
import { cycloneDxValidator } from './helpers.ts';

const STATUS = `Package: hello
Version: 1:2.10-5+b1
Architecture: amd64
Maintainer: Santiago Vila <sanvila@debian.org>
Source: hello (2.10-5)
Installed-Size: 280
Depends: libc6 (>= 2.38)
Homepage: https://www.gnu.org/software/hello/
Description: example package based on GNU hello
 The GNU hello program produces a familiar, friendly greeting.
`;

it('CycloneDX and SPDX of an image built from files: valid, complete, byte-identical twice', async (t) => {
  const dir = await tempDir(t);
  const hello = '#!/busybox sh\necho hello\n';
  const data = 'some application data\n';
  const files = {
    'os-release':
      'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\nPRETTY_NAME="Debian GNU/Linux 13 (trixie)"\n',
    debian_version: '13.2\n',
    'hello.status': STATUS,
    'hello.md5sums': `${createHash('md5').update(hello).digest('hex')}  usr/bin/hello\n`,
    hello,
    'data.txt': data,
    'express.json': JSON.stringify({ name: 'express', version: '4.21.2', license: 'MIT' }),
    'scoped.json': JSON.stringify({ name: '@types/node', version: '22.10.1', license: { type: 'MIT' } }),
    METADATA:
      'Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.4\nLicense-Expression: BSD-3-Clause\n\nJinja is a template engine.\nName: not-a-header\n',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await chmod(join(dir, 'hello'), 0o755);
  const pith = createPith({ cacheDir: join(dir, 'cache'), env: {} });
  const out = join(dir, 'out');
  await pith.build({
    config: {
      archs: ['amd64'],
      files: [
        { dir: '/app' },
        { src: 'data.txt', dst: '/app/data.txt' },
        { src: 'os-release', dst: '/etc/os-release' },
        { src: 'debian_version', dst: '/etc/debian_version' },
        { src: 'hello.status', dst: '/var/lib/dpkg/status.d/hello' },
        { src: 'hello.md5sums', dst: '/var/lib/dpkg/status.d/hello.md5sums' },
        { src: 'hello', dst: '/usr/bin/hello' },
        { src: 'express.json', dst: '/app/node_modules/express/package.json' },
        { src: 'scoped.json', dst: '/app/node_modules/@types/node/package.json' },
        { src: 'METADATA', dst: '/usr/lib/python3/dist-packages/Jinja2-3.1.4.dist-info/METADATA' },
      ],
    },
    baseDir: dir,
    output: `oci:${out}`,
  });
  const inv = await pith.inventory(`oci:${out}`);
  assert.equal(inv.images.length, 1);
  const image = inv.images[0]!;
  assert.deepEqual(
    image.packages.map((p) => [p.name, p.version, p.files]),
    [['hello', '1:2.10-5+b1', ['usr/bin/hello']]],
  );

  assert.deepEqual(
    image.languagePackages.map((p) => [p.type, p.name, p.version, p.licenses]),
    [
      ['npm', '@types/node', '22.10.1', ['MIT']],
      ['npm', 'express', '4.21.2', ['MIT']],
      ['pypi', 'Jinja2', '3.1.4', ['BSD-3-Clause']],
    ],
  );

  for (const version of ['1.6', '1.5'] as const) {
    const cdx = toCycloneDx(inv, { epoch: 0, specVersion: version });
    const validate = cycloneDxValidator(version);
    assert.ok(validate(JSON.parse(sbomJson(cdx))), JSON.stringify(validate.errors, null, 2));
  }
  const cdx = toCycloneDx(inv, { epoch: 0 });
  assert.equal(cdx.metadata.component.name, out);
  assert.equal(cdx.metadata.component.purl, `pkg:oci/out@${inv.digest}`);
  const pkg = cdx.components.find((c) => c.name === 'hello')!;
  assert.deepEqual(
    cdx.components.filter((c) => /^pkg:(npm|pypi)\//.test(c.purl ?? '')).map((c) => c.purl),
    ['pkg:npm/%40types/node@22.10.1', 'pkg:npm/express@4.21.2', 'pkg:pypi/jinja2@3.1.4'],
  );
  assert.equal(
    pkg.purl,
    'pkg:deb/debian/hello@2.10-5%2Bb1?arch=amd64&distro=debian-13&epoch=1&upstream=hello%402.10-5',
  );
  assert.equal(pkg.type, 'library', 'OS packages are library components, as syft and trivy write them');
  const os = cdx.components.find((c) => c.type === 'operating-system')!;
  assert.deepEqual([os.name, os.version], ['debian', '13.2']);
  // complete: every regular file is either a package's or listed with its hash
  const listed = new Map(
    cdx.components.filter((c) => c.type === 'file').map((c) => [c.name, c.hashes?.[0]?.content]),
  );
  const regular = image.files.filter((f) => f.type === 'file').map((f) => f.path);
  for (const path of regular)
    assert.ok(path === 'usr/bin/hello' || listed.has(`/${path}`), `${path} is neither owned nor listed`);
  assert.ok(!listed.has('/usr/bin/hello'), 'owned by hello');
  assert.equal(listed.get('/app/data.txt'), createHash('sha256').update(data).digest('hex'));
  for (const f of ['/etc/passwd', '/etc/group', '/etc/os-release', '/var/lib/dpkg/status.d/hello'])
    assert.ok(listed.has(f), f);

  const spdx = toSpdx(inv, { epoch: 0 });
  assert.equal(spdx.files.length, image.unowned.length);
  assert.ok(
    spdx.packages.some((p) => p.name === 'hello' && p.sourceInfo === 'built package from: hello 2.10-5'),
  );
  assert.ok(spdx.packages.some((p) => p.name === 'Jinja2' && p.versionInfo === '3.1.4'));

  // reproducible: a second inventory of the same image gives the same bytes
  const again = await pith.inventory(`oci:${out}`);
  assert.equal(sbomJson(toCycloneDx(again, { epoch: 0 })), sbomJson(cdx));
  assert.equal(sbomJson(toSpdx(again, { epoch: 0 })), sbomJson(spdx));
});
