// What the Java presets replicate from maintainer scripts, built offline from the signed fake repository:
// the JKS keystore /etc/ssl/certs/java/cacerts of ca-certificates' certificates (checked field by field
// against the JKS layout OpenJDK writes: magic, version, trusted entries in alias order with Debian's
// "debian:NAME.pem" aliases, SOURCE_DATE_EPOCH dates, the keyed SHA-1 at the end), the C.utf8 locale alone
// from libc-bin, and update-alternatives' /usr/bin links to the JVM of highest priority, whose release file
// gives the Java version. The real keytool and ca-certificates-java are the oracle in test/e2e/java.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { createPith } from '../../src/api/index.ts';
import { debianAlias, jksKeystore } from '../../src/rootfs/java-keystore.ts';
import { type FakePackage, type FakeRepo, startFakeRepo } from '../../src/testing/index.ts';
import { run, tempDir } from '../helpers.ts';

/** A PEM "certificate" whose DER is a small SEQUENCE (the keystore stores the DER as it is). */
const pem = (n: number) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from([0x30, 0x03, 0x02, 0x01, n]).toString('base64')}\n-----END CERTIFICATE-----\n`;

const jvm = (v: number, priority: number, tools: string[]): FakePackage => {
  const home = `/usr/lib/jvm/java-${v}-fake-amd64`;
  return {
    name: `openjdk-${v}-jre-headless`,
    version: `${v}.0.1+2-1`,
    files: {
      [`usr/lib/jvm/.java-1.${v}.0-fake-amd64.jinfo`]: `name=java-${v}-fake-amd64\nalias=java-1.${v}.0-fake-amd64\npriority=${priority}\nsection=main\n\n${tools.map((t) => `hl ${t} ${home}/bin/${t}`).join('\n')}\njdkhl javac ${home}/bin/javac\n`,
      [`${home.slice(1)}/release`]: `IMPLEMENTOR="Debian"\nJAVA_VERSION="${v}.0.1"\n`,
      ...Object.fromEntries(tools.map((t) => [`${home.slice(1)}/bin/${t}`, `#!${t}\n`])),
    },
  };
};

let repo: FakeRepo;

before(async () => {
  repo = await startFakeRepo([
    {
      name: 'trixie',
      packages: [
        { name: 'libc6', version: '2.41-1', files: { 'usr/lib/x86_64-linux-gnu/libc.so.6': 'libc\n' } },
        { name: 'libc-bin', version: '2.40-1' },
        {
          name: 'libc-bin',
          version: '2.41-1',
          files: {
            'usr/bin/ldconfig': 'ldconfig\n',
            'usr/lib/locale/C.utf8/LC_CTYPE': 'ctype\n',
            'usr/lib/locale/C.utf8/LC_MESSAGES/SYS_LC_MESSAGES': 'messages\n',
            'usr/share/doc/libc-bin/copyright': 'glibc copyright\n',
            'usr/share/doc/libc-bin/changelog.gz': 'changes',
          },
        },
        {
          name: 'ca-certificates',
          version: '20250419',
          arch: 'all',
          files: {
            'usr/share/ca-certificates/mozilla/Zeta_Root.crt': pem(1),
            'usr/share/ca-certificates/mozilla/NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt': pem(2),
            'usr/share/ca-certificates/mozilla/Alpha (Test), Root.crt': pem(3),
            'usr/share/doc/ca-certificates/copyright': 'ca copyright\n',
          },
        },
        jvm(17, 1711, ['java', 'keytool']),
        jvm(21, 2111, ['java']),
      ],
    },
    { name: 'trixie-updates', packages: [] },
    { name: 'trixie-security', packages: [] },
  ]);
});
after(() => repo.close());

async function build(t: TestContext, yaml: string) {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'fake.asc'), repo.publicKey);
  await writeFile(
    join(dir, 'pith.yaml'),
    `archs: [amd64]\nmirror:\n  archive: ${repo.url}\n  security: ${repo.securityUrl}\nkeyring: [fake.asc]\n${yaml}`,
  );
  const out = join(dir, 'out');
  const report = await createPith({ cacheDir: join(dir, 'cache'), env: {} }).build({
    config: join(dir, 'pith.yaml'),
    output: `oci:${out}`,
  });
  return { report, out };
}

/** `tar -tv` of every layer blob, one listing. */
async function listing(out: string): Promise<string> {
  const r = await run('bash', ['-c', `for f in ${out}/blobs/sha256/*; do tar -tvzf $f 2>/dev/null; done`]);
  return r.stdout;
}

/** A file's bytes out of whichever layer holds it. */
async function extract(out: string, path: string): Promise<Buffer> {
  const r = await run('bash', [
    '-c',
    `for f in ${out}/blobs/sha256/*; do tar -xzOf $f ${path} 2>/dev/null | base64 -w0; done`,
  ]);
  return Buffer.from(r.stdout, 'base64');
}

/** Reads a JKS keystore as OpenJDK's JavaKeyStore.engineLoad does, checking the keyed SHA-1 at the end. */
function readJks(bytes: Buffer, password: string) {
  let at = 0;
  const u32 = () => {
    at += 4;
    return bytes.readUInt32BE(at - 4);
  };
  const utf = () => {
    const n = bytes.readUInt16BE(at);
    at += 2 + n;
    return bytes.subarray(at - n, at).toString('utf8'); // ASCII and BMP letters: modified UTF-8 = UTF-8
  };
  assert.equal(u32(), 0xfeedfeed, 'magic');
  assert.equal(u32(), 2, 'version');
  const entries = [];
  for (let n = u32(); n > 0; n--) {
    assert.equal(u32(), 2, 'a trusted-certificate entry');
    const alias = utf();
    const date = Number(bytes.readBigInt64BE(at));
    at += 8;
    const type = utf();
    const length = u32();
    const der = bytes.subarray(at, at + length);
    at += length;
    entries.push({ alias, date, type, der: der.toString('hex') });
  }
  const pass = Buffer.from([...password].flatMap((c) => [0, c.charCodeAt(0)]));
  const digest = createHash('sha1')
    .update(pass)
    .update('Mighty Aphrodite')
    .update(bytes.subarray(0, at))
    .digest();
  assert.deepEqual(bytes.subarray(at), digest, 'the integrity digest over password, whitener and content');
  return entries;
}

describe('Java base effects from a signed fake repository', () => {
  it('writes the keystore, mines the C.utf8 locale, links the JVM of highest priority', async (t) => {
    const { report, out } = await build(
      t,
      'packages: [libc6, openjdk-17-jre-headless, openjdk-21-jre-headless]\ncaCertificates: true\njavaCacerts: true\nlocale: C.utf8\n',
    );
    const debian = report.debian![0]!;
    assert.equal(debian.caCertificates, 3);
    assert.equal(debian.javaCacerts, 3);
    assert.deepEqual(debian.java, { home: '/usr/lib/jvm/java-21-fake-amd64', version: '21.0.1' });
    assert.deepEqual(
      debian.packages.filter((p) => p.name === 'libc-bin').map((p) => p.version),
      ['2.41-1'],
      "the libc-bin of libc6's version",
    );

    const entries = readJks(await extract(out, 'etc/ssl/certs/java/cacerts'), 'changeit');
    assert.deepEqual(
      entries.map((e) => [e.alias, e.der]),
      [
        ['debian:alpha_=test=__root.pem', '3003020103'],
        ['debian:netlock_arany_=class_gold=_főtanúsítvány.pem', '3003020102'],
        ['debian:zeta_root.pem', '3003020101'],
      ],
    );
    assert.ok(entries.every((e) => e.type === 'X.509' && e.date === report.epoch * 1000));

    const files = await listing(out);
    assert.match(files, /-rw-r--r-- 0\/0 .* etc\/ssl\/certs\/java\/cacerts\n/);
    assert.match(files, / usr\/lib\/locale\/C\.utf8\/LC_CTYPE\n/);
    assert.match(files, / usr\/lib\/locale\/C\.utf8\/LC_MESSAGES\/SYS_LC_MESSAGES\n/);
    assert.match(files, / usr\/share\/doc\/libc-bin\/copyright\n/);
    assert.match(files, / var\/lib\/dpkg\/status\.d\/libc-bin\n/);
    assert.doesNotMatch(files, /ldconfig|libc-bin\/changelog/, 'nothing else of libc-bin');
    assert.match(files, / usr\/bin\/java -> \/etc\/alternatives\/java\n/);
    assert.match(files, / etc\/alternatives\/java -> \/usr\/lib\/jvm\/java-21-fake-amd64\/bin\/java\n/);
    assert.match(
      files,
      / etc\/alternatives\/keytool -> \/usr\/lib\/jvm\/java-17-fake-amd64\/bin\/keytool\n/,
      'a command only the lower-priority JVM has is linked to it',
    );
    assert.doesNotMatch(files, /javac/, 'no link to a program the image lacks (the JDK)');
  });

  it('mines no locale when libc-bin is installed whole; a keystore needs no CA bundle', async (t) => {
    const { report, out } = await build(
      t,
      'packages: [libc6, libc-bin]\njavaCacerts: true\nlocale: C.utf8\n',
    );
    const debian = report.debian![0]!;
    assert.equal(debian.javaCacerts, 3);
    assert.equal(debian.caCertificates, undefined);
    assert.equal(debian.java, undefined);
    const files = await listing(out);
    assert.doesNotMatch(files, /ca-certificates\.crt/);
    assert.match(files, / usr\/bin\/ldconfig\n/, 'libc-bin whole');
    assert.equal(files.match(/ usr\/lib\/locale\/C\.utf8\/LC_CTYPE\n/g)?.length, 1, 'its locale once');
  });
});

describe('the keystore format', () => {
  it('names certificates as ca-certificates-java does, in modified UTF-8', () => {
    assert.equal(debianAlias('usr/share/ca-certificates/mozilla/ACCVRAIZ1.crt'), 'debian:accvraiz1.pem');
    assert.equal(debianAlias('x/A b (c), d.crt'), 'debian:a_b_=c=__d.pem');
    const ks = jksKeystore([{ alias: 'é\u0000', der: Buffer.from([0x30, 0]) }], 'changeit', 0);
    // alias: length 4, then é (2 bytes) and NUL as C0 80, as DataOutputStream.writeUTF writes them
    assert.equal(ks.subarray(16, 22).toString('hex'), '0004c3a9c080');
  });
});
