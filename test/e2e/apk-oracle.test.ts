// apk's installed database (Alpine, Wolfi, Chainguard): an Alpine-shaped root file system whose
// /lib/apk/db/installed is written in apk-tools' format is imported; pith's package list (name, version,
// architecture, origin) equals what trivy (the oracle: its apk analyser, offline) reads from the same tree,
// the files each package owns are its F/R pairs that exist, and the purls are syft's apk shape.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { osPackagePurl } from '../../src/sbom/index.ts';
import { tempDir } from '../helpers.ts';
import { importTree, writeTree } from '../rootfs-helpers.ts';
import { cycloneDxValidator } from '../sbom/helpers.ts';
import { trivyJson } from './trivy.ts';

const INSTALLED = `C:Q1hQUWYBGm9jAavNwUyFrmXrp4xB0=
P:musl
V:1.2.5-r0
A:x86_64
S:411308
I:635904
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1712171453
c:6b5fd7e5fe9e8fa1db2ef0f1bdcbb07e0bcbb7eb
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1m4ATiuGG1ra1IJ8Pf2LMatBn0Xo=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1VBOaEClgdJtyOSEqb3L0K9q9lpA=
P:busybox
V:1.36.1-r29
A:x86_64
S:509636
I:946176
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1718620012
c:1b3c7d4a81e5227f9fd8b8ec4c5e8dd38e88fbb0
D:so:libc.musl-x86_64.so.1
p:cmd:busybox=1.36.1-r29
F:bin
R:busybox
a:0:0:755
Z:Q1rFZ0zI+g2+/v6IrhPBTnIKZEBD4=
F:etc
R:securetty
Z:Q1mB95Hq2NUTZ599RDiSsj9w5FrOU=

C:Q1wQKz5QbGp7bdrRs0GKy40DUkiT8=
P:libcrypto3
V:3.3.2-r1
A:x86_64
S:1788123
I:4317184
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1725440000
c:90c4e9ce8f2f3d2c6b6f5d7d8a2a6b8e0c1f2d3e
D:so:libc.musl-x86_64.so.1
F:usr
F:usr/lib
R:libcrypto.so.3
a:0:0:755
Z:Q1aJx1Uwg5MfAZd5SDPCvk4gkOhhM=

`;

it('an Alpine root file system: pith lists the apk packages trivy lists, with their files and purls', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'tree');
  const files: Record<string, string> = {
    'etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n',
    'etc/alpine-release': '3.20.3\n',
    'lib/apk/db/installed': INSTALLED,
    'lib/ld-musl-x86_64.so.1': 'ELF-ish',
    'bin/busybox': 'busybox',
    'usr/lib/libcrypto.so.3': 'crypto',
  };
  await writeTree(root, files);
  const { pith, layout } = await importTree(dir, root);
  const img = (await pith.inventory(layout)).images[0]!;
  const ours = img.packages.map((p) => `${p.name} ${p.version} ${p.architecture} ${p.source.name}`).sort();

  // the oracle: trivy's apk analyser on the same tree (package detection needs no database)
  const out = join(dir, 'trivy.json');
  const report = await trivyJson<{
    Metadata: { OS?: { Family: string; Name: string } };
    Results?: { Packages?: { Name: string; Version: string; Arch: string; SrcName?: string }[] }[];
  }>(['rootfs', '--cache-dir', join(dir, 'trivy-cache'), '--scanners', 'license', root], out);
  assert.deepEqual(report.Metadata.OS, { Family: 'alpine', Name: '3.20.3' });
  const theirs = (report.Results ?? [])
    .flatMap((x) => x.Packages ?? [])
    .map((p) => `${p.Name} ${p.Version} ${p.Arch} ${p.SrcName ?? p.Name}`)
    .sort();
  assert.deepEqual(ours, theirs);

  const busybox = img.packages.find((p) => p.name === 'busybox')!;
  assert.deepEqual(busybox.files, ['bin/busybox']); // etc/securetty is listed but not in the image
  assert.equal(busybox.database, 'apk-installed');
  assert.equal(
    osPackagePurl(img.packages.find((p) => p.name === 'libcrypto3')!, img.os),
    'pkg:apk/alpine/libcrypto3@3.3.2-r1?arch=x86_64&distro=alpine-3.20.3&upstream=openssl',
  );
  assert.ok(!img.unowned.includes('usr/lib/libcrypto.so.3'));
  // the SBOM carries them, valid against CycloneDX 1.6
  const cdx = JSON.parse((await pith.sbom({ reference: layout })).json) as {
    components: { purl?: string }[];
  };
  const validate = cycloneDxValidator('1.6');
  assert.ok(validate(cdx), JSON.stringify(validate.errors, null, 2));
  assert.ok(cdx.components.some((c) => c.purl?.startsWith('pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64')));
});
