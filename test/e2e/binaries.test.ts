// Packages found in files' own bytes: the Go toolchain and modules compiled into an executable (a real
// one — Debian's docker-registry, whose Built-Using field is the oracle for its Go version — and module
// lines laid out as Go 1.18+ writes them), and Java packages in archives made by `zip` (pom.properties, a
// MANIFEST.MF-only archive, one nested a level down). They reach the SBOM's purls and OSV matching.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { goPackages, readGoBuildInfo } from '../../src/inventory/index.ts';
import { languagePurl } from '../../src/sbom/index.ts';
import { run, tempDir } from '../helpers.ts';
import { importTree, writeTree } from '../rootfs-helpers.ts';

const GO_BINARY = '/usr/bin/docker-registry';

/** The Go version docker-registry was built with, as its Debian package's Built-Using field says. */
async function debianGoVersion(): Promise<string> {
  const builtUsing = await run('dpkg-query', ['-W', '-f=${Built-Using}', 'docker-registry']);
  const go = /golang-\d+\.\d+ \(= (\d+\.\d+(?:\.\d+)?)-/.exec(builtUsing.stdout)?.[1];
  assert.ok(go, builtUsing.stdout);
  return go;
}

/** A tree of `files`, finished by `extra` (tools run in it), imported as an image. */
async function importWith(
  dir: string,
  files: Record<string, string | Buffer>,
  extra: (root: string) => Promise<void>,
) {
  const root = join(dir, 'tree');
  await writeTree(root, files);
  await extra(root);
  return importTree(dir, root);
}

/** Build info as Go ≥ 1.18 lays it out: header, then varint-prefixed version and sentinel-wrapped modinfo. */
function buildInfo(goVersion: string, modinfo: string): Buffer {
  const varint = (n: number) => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n >>= 7;
    }
    out.push(n);
    return Buffer.from(out);
  };
  const start = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
  const end = Buffer.from('f932433186182072008242104116d8f2', 'hex');
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8; // pointer size
  header[15] = 2; // strings inline
  const info = Buffer.concat([start, Buffer.from(modinfo), end]);
  return Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]),
    Buffer.alloc(57),
    header,
    varint(goVersion.length),
    Buffer.from(goVersion),
    varint(info.length),
    info,
  ]);
}

it('a real Go executable: the toolchain version Debian says it was built with', async () => {
  const { readFile } = await import('node:fs/promises');
  const info = readGoBuildInfo(await readFile(GO_BINARY));
  const go = await debianGoVersion();
  assert.equal(info?.goVersion, `go${go}`);
  assert.equal(info?.path, 'github.com/docker/distribution/cmd/registry');
  assert.deepEqual(goPackages('usr/bin/docker-registry', info!), [
    { type: 'golang', name: 'stdlib', version: `v${go}`, path: 'usr/bin/docker-registry' },
  ]);
});

it('module lines: the main module, dependencies, replacements; (devel) is no version', () => {
  const modinfo = [
    'path\texample.com/app/cmd/app',
    'mod\texample.com/app\t(devel)\t',
    'dep\tgithub.com/google/uuid\tv1.6.0\th1:abc=',
    'dep\tgolang.org/x/net\tv0.20.0\th1:def=',
    '=>\tgolang.org/x/net\tv0.23.0\th1:ghi=',
    'build\t-compiler=gc',
    '',
  ].join('\n');
  const info = readGoBuildInfo(buildInfo('go1.22.3', modinfo));
  const pkgs = goPackages('app/app', info!);
  assert.deepEqual(
    pkgs.map((p) => languagePurl(p)),
    [
      'pkg:golang/stdlib@v1.22.3',
      'pkg:golang/github.com/google/uuid@v1.6.0',
      'pkg:golang/golang.org/x/net@v0.23.0',
    ],
  );
  // not Go, or the old pointer format: nothing
  assert.equal(readGoBuildInfo(Buffer.from('plain text')), undefined);
  const old = buildInfo('go1.16', '');
  old[64 + 15] = 0;
  assert.equal(readGoBuildInfo(old), undefined);
});

it('an image with a Go binary and Java archives: inventory, SBOM purls and OSV matching', async (t) => {
  const dir = await tempDir(t);
  const { pith, layout } = await importWith(
    dir,
    {
      'etc/os-release': 'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n',
      'jar/META-INF/maven/org.example/demo/pom.properties':
        '#Generated\ngroupId=org.example\nartifactId=demo\nversion=1.2.3\n',
      'inner/META-INF/MANIFEST.MF':
        'Manifest-Version: 1.0\r\nImplementation-Title: inner-lib\r\nImplementation-Version: 0.9\r\nImplementation-Vendor-Id: org.inner\r\n\r\n',
      'app/not-a.jar': 'just text',
    },
    async (root) => {
      await mkdir(join(root, 'usr/bin'), { recursive: true });
      await copyFile(GO_BINARY, join(root, 'usr/bin/registry'));
      await mkdir(join(root, 'jar/BOOT-INF/lib'), { recursive: true });
      const inner = await run('zip', ['-q', '-r', join(root, 'jar/BOOT-INF/lib/inner.jar'), 'META-INF'], {
        cwd: join(root, 'inner'),
      });
      assert.equal(inner.code, 0, inner.stderr);
      const outer = await run('zip', ['-q', '-r', join(root, 'app/app.jar'), '.'], {
        cwd: join(root, 'jar'),
      });
      assert.equal(outer.code, 0, outer.stderr);
    },
  );
  const img = (await pith.inventory(layout)).images[0]!;
  const found = img.languagePackages.map((p) => `${languagePurl(p)} ${p.path}`);
  const go = await debianGoVersion();
  assert.ok(found.includes(`pkg:golang/stdlib@v${go} usr/bin/registry`), found.join('\n'));
  assert.ok(found.includes('pkg:maven/org.example/demo@1.2.3 app/app.jar'), found.join('\n'));
  assert.ok(
    found.includes('pkg:maven/org.inner/inner-lib@0.9 app/app.jar!BOOT-INF/lib/inner.jar'),
    found.join('\n'),
  );
  assert.ok(!found.some((f) => f.includes('not-a.jar')));

  // OSV's Go ecosystem: the toolchain is `stdlib`, versions without the v
  const osv = join(dir, 'GO-2026-0001.json');
  await writeFile(
    osv,
    JSON.stringify({
      id: 'GO-2026-0001',
      modified: '2026-11-01T00:00:00Z',
      aliases: ['CVE-2026-0100'],
      affected: [
        {
          package: { ecosystem: 'Go', name: 'stdlib' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '99.0.0' }] }],
        },
      ],
    }),
  );
  const report = await pith.scan({ reference: layout, feeds: [osv] });
  assert.deepEqual(
    report.images[0]!.findings.map((f) => `${f.package.purl} ${f.id} ${f.state} ${f.fixedVersion}`),
    [`pkg:golang/stdlib@v${go} CVE-2026-0100 fixed 99.0.0`],
  );
  // the CycloneDX SBOM carries them, and a scan of it finds the same
  const sbom = join(dir, 'sbom.json');
  await pith.sbom({ reference: layout, output: sbom });
  const again = await pith.scan({ sbom, feeds: [osv] });
  assert.deepEqual(
    again.images[0]!.findings.map((f) => f.id),
    ['CVE-2026-0100'],
  );
});
