// The Java presets and Java apps against real parts: Debian's OpenJDK from the mirror, run by podman + runc;
// the keystore checked by the host's keytool and by Debian's own ca-certificates-java (its jar, fed the
// links the real update-ca-certificates makes from the same ca-certificates .deb, writes the keystore a
// Debian system has: the same aliases and certificates); inside the images a Java program counts the JRE's
// default trust anchors (lib/security/cacerts → /etc/ssl/certs/java/cacerts) and sees the C.utf8 locale;
// a real app (javac, jar: an app jar whose manifest names Main-Class and its dependency in Class-Path)
// prints through its dependency, and a changed class changes only the top layer.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { DebianSession, fetchDebs } from '../../src/apt-repo/index.ts';
import { JAVA_VERSION_ANNOTATION } from '../../src/assemble/index.ts';
import { PODMAN_RUN, type RunResult, run } from '../helpers.ts';
import { buildJson, CACHE_DIR, extractLayers, type LayoutImage, layoutImages } from './helpers.ts';

const JRES = [
  { suite: 'trixie', preset: 'java21', major: '21' },
  { suite: 'trixie', preset: 'java25', major: '25' },
  { suite: 'bookworm', preset: 'java17', major: '17' },
] as const;

let dirs = 0;
let work: string;

/** A temporary directory whose path is all lowercase (podman names an oci: image after its path). */
async function lowerTemp(t?: TestContext): Promise<string> {
  const dir = join(tmpdir(), `pith-java-e2e-${process.pid}-${++dirs}`);
  await mkdir(dir);
  if (t) t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function ok(cmd: string, args: string[], cwd?: string): Promise<RunResult> {
  const r = await run(cmd, args, { ...(cwd ? { cwd } : {}), timeoutMs: 300_000 });
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** The images podman copied into its storage (named after their layout's path), removed at the end. */
const ran = new Set<string>();

/** `podman run` of an oci: layout image, which must succeed. */
function podman(layout: string, extra: string[], args: string[]): Promise<RunResult> {
  ran.add(`localhost${layout}:latest`);
  return ok('podman', [...PODMAN_RUN, ...extra, `oci:${layout}:latest`, ...args]);
}

const TRUST = `import java.security.KeyStore;
import javax.net.ssl.*;
public class Trust {
  public static void main(String[] a) throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init((KeyStore) null);
    int anchors = 0;
    for (TrustManager m : f.getTrustManagers())
      if (m instanceof X509TrustManager x) anchors += x.getAcceptedIssuers().length;
    KeyStore ks = KeyStore.getInstance("JKS");
    try (var in = new java.io.FileInputStream(System.getProperty("java.home") + "/lib/security/cacerts")) {
      ks.load(in, "changeit".toCharArray());
    }
    System.out.println(anchors + " " + ks.size() + " " + System.getProperty("sun.jnu.encoding"));
  }
}
`;

/** Writes and compiles Java sources (release 17: every preset runs them) into `dir/classes`. */
async function javac(dir: string, sources: Record<string, string>, cp?: string): Promise<string> {
  const files: string[] = [];
  for (const [name, text] of Object.entries(sources)) {
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', name), text);
    files.push(join(dir, 'src', name));
  }
  await ok('javac', ['--release', '17', '-d', join(dir, 'classes'), ...(cp ? ['-cp', cp] : []), ...files]);
  return join(dir, 'classes');
}

before(async () => {
  work = await lowerTemp();
  await javac(join(work, 'trust'), { 'Trust.java': TRUST });
});
after(async () => {
  await rm(work, { recursive: true, force: true });
  if (ran.size) await run('podman', ['rmi', '-f', ...ran], { timeoutMs: 180_000 });
});

/** The image's files, extracted. */
async function rootOf(layout: string, img: LayoutImage, t: TestContext): Promise<string> {
  const root = join(await lowerTemp(t), 'root');
  await mkdir(root);
  await extractLayers(layout, img.manifest, root);
  return root;
}

/** SHA-256 fingerprints (AA:BB:…) of the certificates of a PEM bundle. */
function bundleFingerprints(pem: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b).fingerprint256).sort();
}

/** alias → SHA-256 fingerprint of every entry, as keytool lists a keystore. */
async function keytoolList(file: string): Promise<Map<string, string>> {
  const r = await ok('keytool', ['-list', '-keystore', file, '-storepass', 'changeit']);
  assert.match(r.stdout, /Keystore type: JKS/);
  const out = new Map<string, string>();
  let alias = '';
  for (const line of r.stdout.split('\n')) {
    const entry = /^(.+), [A-Z][a-z]{2} \d+, \d{4}, trustedCertEntry,\s*$/.exec(line);
    if (entry) alias = entry[1]!;
    const fp = /^Certificate fingerprint \(SHA-256\): (\S+)$/.exec(line);
    if (fp) out.set(alias, fp[1]!);
  }
  return out;
}

/**
 * The keystore Debian makes from a ca-certificates .deb: update-ca-certificates (the package's own script)
 * links every certificate into etc/ssl/certs as NAME.pem, and ca-certificates-java's jar, given those links
 * as its postinst gives them, writes the keystore.
 */
async function debianKeystore(suite: string, arch: string, caVersion: string, dir: string): Promise<string> {
  const session = new DebianSession({ suite, cacheDir: CACHE_DIR });
  const u = await session.universe(arch);
  const ca = u.byName.get('ca-certificates')!.find((p) => p.version === caVersion)!;
  const cj = u.byName.get('ca-certificates-java')![0]!;
  const debs = await fetchDebs([ca, cj], { cache: session.cache, offline: false, network: {} });
  const sysroot = join(dir, 'sysroot');
  await mkdir(join(sysroot, 'etc', 'ssl', 'certs'), { recursive: true });
  await writeFile(join(sysroot, 'etc', 'ca-certificates.conf'), '');
  for (const [p, into] of [
    [ca, sysroot],
    [cj, join(dir, 'cj')],
  ] as const) {
    await writeFile(join(dir, `${p.name}.deb`), await debs.get(p.sha256)!());
    await ok('dpkg-deb', ['-x', join(dir, `${p.name}.deb`), into]);
  }
  await ok('sh', [
    join(sysroot, 'usr/sbin/update-ca-certificates'),
    '--sysroot',
    sysroot,
    '--default',
    '--hooksdir',
    join(dir, 'no-hooks'),
  ]);
  const jar = join(dir, 'cj/usr/share/ca-certificates-java/ca-certificates-java.jar');
  // UpdateCertificates(path, password) and its processChanges/finish, reached from a subclass
  const oracle = await javac(
    join(dir, 'oracle'),
    {
      'Oracle.java': `public class Oracle extends org.debian.security.UpdateCertificates {
  Oracle(String path) throws Exception { super(path, "changeit"); }
  public static void main(String[] a) throws java.io.IOException, java.security.GeneralSecurityException {
    try {
      Oracle o = new Oracle(a[0]);
      o.processChanges(new java.io.InputStreamReader(System.in, "UTF8"));
      o.finish();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
`,
    },
    jar,
  );
  const out = join(dir, 'debian-cacerts');
  // the postinst's input: "+/etc/ssl/certs/NAME.pem" for every link into the certificates, sorted
  await ok('bash', [
    '-c',
    `find ${sysroot}/etc/ssl/certs -type l -name '*.pem' | sort | sed 's/^/+/' | java -cp ${oracle}:${jar} Oracle ${out} >/dev/null`,
  ]);
  return out;
}

describe('Java presets', { timeout: 1_800_000 }, () => {
  for (const suite of ['trixie', 'bookworm']) {
    it(`${suite} java-base: the keystore Debian's ca-certificates-java makes, the C.utf8 locale, no JRE`, async (t) => {
      const out = join(await lowerTemp(t), 'img');
      const report = await buildJson({ preset: 'java-base', suite, output: `oci:${out}:latest` });
      const [img] = await layoutImages(out, 'latest');
      assert.ok(img!.config.config?.Env?.includes('LANG=C.UTF-8'));
      assert.equal(img!.config.config?.Entrypoint ?? undefined, undefined);
      const root = await rootOf(out, img!, t);
      const bundle = bundleFingerprints(
        await readFile(join(root, 'etc/ssl/certs/ca-certificates.crt'), 'utf8'),
      );
      assert.equal(bundle.length, report.debian![0]!.caCertificates);
      assert.equal(report.debian![0]!.javaCacerts, bundle.length);

      const ours = await keytoolList(join(root, 'etc/ssl/certs/java/cacerts'));
      assert.deepEqual(
        [...ours.values()].sort(),
        bundle,
        'keytool lists exactly the certificates of the CA bundle',
      );
      const caVersion = report.debian![0]!.packages.find((p) => p.name === 'ca-certificates')!.version;
      const debian = await keytoolList(
        await debianKeystore(suite, report.debian![0]!.arch, caVersion, await lowerTemp(t)),
      );
      assert.deepEqual(
        [...ours].sort(),
        [...debian].sort(),
        "the same aliases and certificates as Debian's ca-certificates-java",
      );

      const locale = await run('find', ['usr/lib/locale', '-type', 'f'], { cwd: root });
      assert.ok(
        locale.stdout
          .split('\n')
          .filter(Boolean)
          .every((f) => f.startsWith('usr/lib/locale/C.utf8/')),
      );
      assert.match(locale.stdout, /usr\/lib\/locale\/C\.utf8\/LC_CTYPE/);
      const bins = await run('ls', ['usr/bin'], { cwd: root });
      assert.doesNotMatch(bins.stdout, /\b(java|locale|ldconfig)\b/);
    });
  }

  for (const { suite, preset, major } of JRES) {
    it(`${suite} ${preset}: java -version runs, JAVA_VERSION is the JRE's, the JRE trusts the CA bundle`, async (t) => {
      const dir = await lowerTemp(t);
      const out = join(dir, 'img');
      const report = await buildJson({ preset, suite, output: `oci:${out}:latest` });
      const [img] = await layoutImages(out, 'latest');
      const c = img!.config.config!;
      assert.deepEqual(c.Entrypoint, ['/usr/bin/java', '-jar']);
      const version = c.Env?.find((e) => e.startsWith('JAVA_VERSION='))?.slice('JAVA_VERSION='.length);
      assert.match(version ?? '', new RegExp(`^${major}\\.`));
      assert.ok(c.Env?.includes('LANG=C.UTF-8'));
      assert.equal(img!.manifest.annotations?.[JAVA_VERSION_ANNOTATION], version);
      assert.equal(report.debian![0]!.java?.version, version);
      const packages = report.debian![0]!.packages.map((p) => p.name);
      for (const left of ['java-common', 'ca-certificates-java', 'util-linux', 'debconf'])
        assert.ok(!packages.includes(left), `${left} is not installed`);

      const v = await podman(out, ['--entrypoint', '/usr/bin/java'], ['-version']);
      assert.match(v.stderr, new RegExp(`openjdk version "${version!.replaceAll('.', '\\.')}"`));
      // the JRE's own lib/security/cacerts resolves to the keystore, whose anchors are the CA bundle's
      const trust = await podman(
        out,
        ['--entrypoint', '/usr/bin/java', '-v', `${join(work, 'trust', 'classes')}:/t:ro`],
        ['-cp', '/t', 'Trust'],
      );
      const n = report.debian![0]!.caCertificates;
      assert.equal(trust.stdout.trim(), `${n} ${n} UTF-8`);

      const debug = join(dir, 'debug');
      await buildJson({ preset, suite, variant: 'debug', output: `oci:${debug}:latest` });
      const sh = await podman(
        debug,
        ['--entrypoint', '/busybox/sh'],
        ['-c', 'java -version 2>&1; echo $JAVA_VERSION'],
      );
      assert.match(
        sh.stdout,
        new RegExp(
          `openjdk version "${version!.replaceAll('.', '\\.')}"[\\s\\S]*\\n${version!.replaceAll('.', '\\.')}\\n$`,
        ),
      );
    });
  }
});

const DEP =
  'package dep;\npublic class Dep {\n  public static String greet(String who) { return "hello, " + who; }\n}\n';
const app = (tag: string) =>
  `package app;\npublic class App {\n  public static void main(String[] a) { System.out.println(dep.Dep.greet("pith") + " ${tag}"); }\n}\n`;

/** lib/dep.jar, made by javac and jar (once: a rebuilt jar would have new timestamps). */
async function depJar(dir: string): Promise<string> {
  const dep = await javac(join(dir, 'dep'), { 'Dep.java': DEP });
  await mkdir(join(dir, 'lib'), { recursive: true });
  await ok('jar', ['cf', join(dir, 'lib', 'dep.jar'), '-C', dep, '.']);
  return dep;
}

/** app.jar (Main-Class app.App, Class-Path lib/dep.jar), made by javac and jar against `dep`. */
async function appJar(dir: string, dep: string, tag: string): Promise<void> {
  const classes = await javac(join(dir, 'app'), { 'App.java': app(tag) }, dep);
  await writeFile(join(dir, 'manifest.txt'), 'Main-Class: app.App\nClass-Path: lib/dep.jar\n');
  await ok('jar', ['cfm', join(dir, 'app.jar'), join(dir, 'manifest.txt'), '-C', classes, '.']);
}

describe('Java apps', { timeout: 900_000 }, () => {
  it('a jar with a Class-Path dependency runs on java21; a changed class changes only the jar layer', async (t) => {
    const dir = await lowerTemp(t);
    const dep = await depJar(dir);
    await appJar(dir, dep, 'v1');
    await writeFile(join(dir, 'pith.yaml'), 'preset: java21\napp:\n  jar: app.jar\n');
    await buildJson({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, 'one')}:latest` });
    const [one] = await layoutImages(join(dir, 'one'), 'latest');
    assert.deepEqual(one!.config.config?.Entrypoint, ['/usr/bin/java', '-jar', '/app/app.jar']);
    assert.deepEqual(
      one!.config.history?.slice(-2).map((h) => h.created_by),
      ['pith: app 1 dependency', 'pith: app jar app.jar'],
    );
    assert.equal((await podman(join(dir, 'one'), [], [])).stdout, 'hello, pith v1\n');

    await appJar(dir, dep, 'v2');
    await buildJson({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, 'two')}:latest` });
    const [two] = await layoutImages(join(dir, 'two'), 'latest');
    const digests = (i: LayoutImage) => i.manifest.layers.map((l) => l.digest);
    assert.deepEqual(
      digests(two!).slice(0, -1),
      digests(one!).slice(0, -1),
      'every layer but the jar is the same',
    );
    assert.notEqual(digests(two!).at(-1), digests(one!).at(-1));
    assert.equal((await podman(join(dir, 'two'), [], [])).stdout, 'hello, pith v2\n');
  });

  it('exploded classes and a lib directory run as java -cp /app/resources:/app/classes:/app/libs/* MAIN', async (t) => {
    const dir = await lowerTemp(t);
    await appJar(dir, await depJar(dir), 'exploded');
    await writeFile(
      join(dir, 'pith.yaml'),
      'preset: java17\nsuite: bookworm\napp:\n  classes: app/classes\n  lib: lib\n  mainClass: app.App\n',
    );
    await buildJson({ config: join(dir, 'pith.yaml'), output: `oci:${join(dir, 'img')}:latest` });
    assert.equal((await podman(join(dir, 'img'), [], [])).stdout, 'hello, pith exploded\n');
  });
});
