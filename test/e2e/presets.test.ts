// Acceptance (issue 3, points 2–4), against the real Debian archive: every trixie preset × variant builds
// for amd64 with distroless's user, workdir, entrypoint and env; python3, cc and the debug variants run
// under podman + runc; status.d is enough for dpkg-query; a two-architecture base index holds a real
// AArch64 libc; builds are reproducible; no image but the debug ones has a shell, and those only /busybox/sh.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BuildReport } from '../../src/api/index.ts';
import { run } from '../helpers.ts';
import {
  buildJson,
  CA_FILE,
  DISTROLESS_PATH,
  EM_AARCH64,
  EM_X86_64,
  elfMachine,
  extractLayers,
  extractMembers,
  INDEX_TYPE,
  type IndexDoc,
  type LayoutImage,
  layoutImages,
  listLayer,
  Podman,
  PRESETS,
  type Preset,
  VARIANTS,
  type Variant,
} from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'pith-e2e-'));
const tag = `t${process.pid}`;
const podman = new Podman();

after(async () => {
  await podman.cleanup();
  rmSync(work, { recursive: true, force: true });
});

// Packages per preset, as distroless's debian13 images hold them (briefs/distroless.md §1.3, §1.5–§1.7);
// ca-certificates is only mined for the CA bundle and its status.d entry, busybox-static for /busybox.
const STATIC = ['base-files', 'netbase', 'tzdata', 'tzdata-legacy', 'media-types'];
const BASE = [...STATIC, 'libc6', 'libssl3t64', 'libzstd1', 'zlib1g'];
const CC = [...BASE, 'libgomp1', 'libstdc++6', 'libgcc-s1', 'gcc-14-base'];
const PYTHON = [
  ...CC,
  ...['libbz2-1.0', 'libdb5.3t64', 'libexpat1', 'liblzma5', 'libsqlite3-0', 'libuuid1', 'libncursesw6'],
  ...['libtinfo6', 'libcom-err2', 'libcrypt1', 'libc-bin', 'libgssapi-krb5-2', 'libk5crypto3'],
  ...['libkeyutils1', 'libkrb5-3', 'libkrb5support0', 'libnsl2', 'libreadline8t64', 'libtirpc3t64'],
  ...['libffi8', 'libpython3.13-minimal', 'libpython3.13-stdlib', 'python3.13-minimal', 'python3.13-venv'],
];
const PACKAGES: Record<Preset, string[]> = {
  static: STATIC,
  'base-nossl': [...STATIC, 'libc6'],
  base: BASE,
  cc: CC,
  python3: PYTHON,
};

/** Shells that must not be anywhere in an image (trixie's /bin is base-files' link to usr/bin). */
const SHELLS = ['sh', 'dash', 'bash'].flatMap((s) => [`bin/${s}`, `usr/bin/${s}`]);

interface Expected {
  user: string;
  workdir: string;
  entrypoint: string[] | undefined;
  env: string[];
}

/** distroless's execution config for a preset and variant (§1.3, §1.4, §1.7, §1.10). */
function expectedConfig(preset: Preset, variant: Variant): Expected {
  const nonroot = variant === 'nonroot' || variant === 'debug-nonroot';
  const debug = variant.startsWith('debug');
  const env = [`PATH=${DISTROLESS_PATH}${debug ? ':/busybox' : ''}`, `SSL_CERT_FILE=${CA_FILE}`];
  if (preset === 'python3') env.push('LANG=C.UTF-8');
  return {
    user: nonroot ? '65532' : '0',
    workdir: nonroot ? '/home/nonroot' : '/',
    entrypoint: preset === 'python3' ? ['/usr/bin/python3.13'] : debug ? ['/busybox/sh'] : undefined,
    env: env.sort(),
  };
}

/** Debian version → upstream version (no epoch, no revision). */
function upstream(version: string): string {
  return version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}

function versionOf(report: BuildReport, name: string, arch = 'amd64'): string {
  const p = report.debian?.find((d) => d.arch === arch)?.packages.find((x) => x.name === name);
  assert.ok(p, `the build report lists no ${name} for ${arch}`);
  return p.version;
}

/** Every entry name of every layer of an image. */
async function imageEntries(layout: string, img: LayoutImage): Promise<Set<string>> {
  const all = new Set<string>();
  for (const l of img.manifest.layers) for (const n of await listLayer(layout, l.digest)) all.add(n);
  return all;
}

interface Built {
  layout: string;
  report: BuildReport;
}

const builds = new Map<string, Promise<Built>>();

/** A trixie preset × variant built once for amd64 into an oci: layout (tag latest), shared by the tests. */
function built(preset: Preset, variant: Variant): Promise<Built> {
  const key = `${preset}-${variant}`;
  let p = builds.get(key);
  if (!p) {
    const layout = join(work, 'oci', key);
    p = buildJson({
      preset,
      variant,
      suite: 'trixie',
      archs: ['amd64'],
      output: `oci:${layout}:latest`,
    }).then((report) => ({ layout, report }));
    builds.set(key, p);
  }
  return p;
}

describe('trixie presets × variants build for amd64 with distroless config', { concurrency: 2 }, () => {
  for (const preset of PRESETS) {
    for (const variant of VARIANTS) {
      it(`${preset}:${variant}`, async () => {
        const { layout, report } = await built(preset, variant);
        const want = expectedConfig(preset, variant);
        assert.equal(report.images.length, 1);
        const summary = report.images[0]!;
        assert.equal(summary.platform, 'linux/amd64');
        assert.equal(summary.user, want.user);
        assert.equal(summary.workdir, want.workdir);
        assert.deepEqual(summary.entrypoint ?? undefined, want.entrypoint);
        assert.deepEqual([...(summary.env ?? [])].sort(), want.env);
        const path = summary.env?.find((e) => e.startsWith('PATH=')) ?? '';
        assert.ok(path.endsWith(variant.startsWith('debug') ? ':/busybox' : ':/bin'), path);

        // The image written to the layout says the same as the report.
        const [img] = await layoutImages(layout, 'latest');
        assert.ok(img);
        assert.equal(img.descriptor.digest, report.digest);
        const c = img.config.config ?? {};
        assert.equal(c.User, want.user);
        assert.equal(c.WorkingDir, want.workdir);
        assert.deepEqual(c.Entrypoint ?? undefined, want.entrypoint);
        assert.deepEqual([...(c.Env ?? [])].sort(), want.env);
        assert.equal(img.config.architecture, 'amd64');
        assert.equal(img.config.os, 'linux');

        // Exactly distroless's packages (plus busybox-static, mined for /busybox, in debug variants).
        const debug = variant.startsWith('debug');
        const names = report.debian?.[0]?.packages.map((p) => p.name).sort();
        const expected = [...PACKAGES[preset], 'ca-certificates', ...(debug ? ['busybox-static'] : [])];
        assert.deepEqual(names, [...new Set(expected)].sort());
        assert.ok((report.debian?.[0]?.caCertificates ?? 0) > 100, 'the CA bundle holds > 100 certificates');

        // No shell in any layer; debug variants have busybox at /busybox and nothing in /bin.
        const entries = await imageEntries(layout, img);
        for (const s of SHELLS) assert.ok(!entries.has(s), `${preset}:${variant} has ${s}`);
        assert.ok(entries.has(CA_FILE.slice(1)), `${preset}:${variant} has no ${CA_FILE}`);
        if (debug) {
          assert.ok(entries.has('busybox/busybox') && entries.has('busybox/sh'));
        } else {
          const bb = [...entries].filter((n) => n === 'busybox' || n.startsWith('busybox/'));
          assert.deepEqual(bb, [], `${preset}:${variant} has busybox`);
        }
        if (preset === 'python3') {
          for (const f of ['usr/bin/python3.13', 'usr/bin/python3', 'usr/bin/python'])
            assert.ok(entries.has(f), `python3:${variant} has no ${f}`);
        }
      });
    }
  }
});

describe('no shell in the base image', () => {
  it('no layer of base (latest, nonroot) holds usr/bin/sh, dash or bash, under bin/ or usr/bin/', async () => {
    for (const variant of ['latest', 'nonroot'] as const) {
      const { layout } = await built('base', variant);
      const [img] = await layoutImages(layout, 'latest');
      assert.ok(img);
      for (const l of img.manifest.layers) {
        const names = await listLayer(layout, l.digest);
        for (const s of SHELLS) assert.ok(!names.includes(s), `base:${variant} layer ${l.digest} has ${s}`);
      }
      // …while trixie's base-files does provide the merged-/usr link, so /bin/sh would be /usr/bin/sh.
      const entries = await imageEntries(layout, img);
      assert.ok(entries.has('bin') && entries.has('usr/bin'));
    }
  });
});

describe('under podman + runc', { concurrency: 1 }, () => {
  /** Builds a docker-archive and loads it into podman. */
  async function loadImage(name: string, a: { config?: string; preset?: string; variant?: string }) {
    const file = join(work, `${name}.tar`);
    const report = await buildJson({
      ...a,
      suite: 'trixie',
      archs: ['amd64'],
      output: `docker-archive:${file}:localhost/pith-e2e/${name}:${tag}`,
    });
    const image = await podman.load(file);
    assert.match(image, new RegExp(`pith-e2e/${name}:${tag}$`));
    return { image, report };
  }

  it('python3: ssl, json and sqlite3 import; the CA bundle loads with > 100 CA certificates', async () => {
    const { image, report } = await loadImage('python3', { preset: 'python3', variant: 'latest' });
    const script = [
      'import ssl, json, sqlite3, os, sys',
      'print(ssl.OPENSSL_VERSION)',
      'ctx = ssl.create_default_context()',
      'db = sqlite3.connect(":memory:")',
      'print(json.dumps({"stats": ctx.cert_store_stats(), "sqlite": db.execute("select 6*7").fetchone()[0],',
      '  "python": sys.version.split()[0], "cafile": os.environ.get("SSL_CERT_FILE"),',
      '  "lang": os.environ.get("LANG"), "encoding": sys.getfilesystemencoding(), "uid": os.getuid()}))',
    ].join('\n');
    const out = await podman.ok(image, [], ['-c', script]);
    const [openssl, json] = out.trimEnd().split('\n');
    assert.match(
      openssl!,
      new RegExp(`^OpenSSL ${upstream(versionOf(report, 'libssl3t64')).replace(/\./g, '\\.')}\\b`),
    );
    const r = JSON.parse(json!) as {
      stats: { x509_ca: number; x509: number };
      sqlite: number;
      python: string;
      cafile: string;
      lang: string;
      encoding: string;
      uid: number;
    };
    assert.ok(r.stats.x509_ca > 100, `only ${r.stats.x509_ca} CA certificates loaded`);
    assert.equal(r.sqlite, 42);
    assert.equal(r.python, upstream(versionOf(report, 'python3.13-minimal')));
    assert.equal(r.cafile, CA_FILE);
    assert.equal(r.lang, 'C.UTF-8');
    assert.equal(r.encoding, 'utf-8');
    assert.equal(r.uid, 0);
  });

  it('cc: dynamically linked C and C++ programs compiled on the host run on the image libraries', async () => {
    const dir = join(work, 'cc');
    await mkdir(dir);
    await writeFile(
      join(dir, 'hello.c'),
      [
        '#include <gnu/libc-version.h>',
        '#include <stdio.h>',
        '#include <unistd.h>',
        'int main(int argc, char **argv) {',
        '  printf("C hello, glibc %s, uid=%d, args=%d\\n", gnu_get_libc_version(), (int)getuid(), argc - 1);',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'hello.cc'),
      [
        '#include <iostream>',
        '#include <stdexcept>',
        '#include <string>',
        '#include <vector>',
        'int main(int argc, char **argv) {',
        '  std::vector<std::string> words{"C++", "hello"};',
        '  std::string s;',
        '  for (const auto &w : words) s += (s.empty() ? "" : " ") + w;',
        '  try {',
        '    throw std::runtime_error("unwound");',
        '  } catch (const std::exception &e) {',
        '    s += std::string(", ") + e.what();',
        '  }',
        '  std::cout << s << ", args=" << argc - 1 << std::endl;',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const c = await run('cc', ['-O2', '-o', join(dir, 'hello-c'), join(dir, 'hello.c')]);
    assert.equal(c.code, 0, c.stderr);
    const cxx = await run('g++', ['-O2', '-o', join(dir, 'hello-cxx'), join(dir, 'hello.cc')]);
    assert.equal(cxx.code, 0, cxx.stderr);
    for (const bin of ['hello-c', 'hello-cxx']) {
      const f = await run('file', ['-b', join(dir, bin)]);
      assert.match(f.stdout, /dynamically linked/, `${bin}: ${f.stdout}`);
    }
    assert.ok((await readFile(join(dir, 'hello-cxx'))).includes('libstdc++.so.6'), 'needs libstdc++');
    await writeFile(
      join(dir, 'pith.yaml'),
      [
        'preset: cc',
        'files:',
        '  - src: hello-c',
        '    dst: /app/hello-c',
        '  - src: hello-cxx',
        '    dst: /app/hello-cxx',
        'entrypoint: [/app/hello-c]',
        '',
      ].join('\n'),
    );
    const { image, report } = await loadImage('cc', { config: join(dir, 'pith.yaml') });
    assert.equal(report.images[0]!.user, '0', 'a preset defaults to the latest variant');
    const glibc = upstream(versionOf(report, 'libc6'));
    assert.equal(await podman.ok(image, [], ['x']), `C hello, glibc ${glibc}, uid=0, args=1\n`);
    assert.equal(
      await podman.ok(image, ['--user', '65532'], []),
      `C hello, glibc ${glibc}, uid=65532, args=0\n`,
    );
    assert.equal(
      await podman.ok(image, ['--entrypoint', '/app/hello-cxx'], ['a', 'b']),
      'C++ hello, unwound, args=2\n',
    );
  });

  it('debug: /busybox/sh runs and sees the root; there is no /bin/sh', async () => {
    const { image } = await loadImage('base-debug', { preset: 'base', variant: 'debug' });
    const root = (await podman.ok(image, [], ['-c', 'ls /'])).split(/\s+/).filter(Boolean);
    for (const d of ['bin', 'busybox', 'etc', 'home', 'lib', 'root', 'tmp', 'usr', 'var'])
      assert.ok(root.includes(d), `ls / printed ${root.join(' ')}`);
    assert.equal(
      await podman.ok(
        image,
        [],
        [
          '-c',
          'for f in /bin/sh /usr/bin/sh /bin/bash /bin/dash; do if [ -e $f ]; then echo has $f; fi; done; echo; id -u; pwd',
        ],
      ),
      '\n0\n/\n',
    );
    const sh = await podman.run(image, ['--entrypoint', '/bin/sh'], ['-c', 'echo should not run']);
    assert.notEqual(sh.code, 0, 'there is no /bin/sh');
    assert.doesNotMatch(sh.stdout, /should not run/);
  });

  it('debug-nonroot: runs as 65532 with HOME and workdir /home/nonroot', async () => {
    const { image } = await loadImage('base-debug-nonroot', { preset: 'base', variant: 'debug-nonroot' });
    assert.equal(
      await podman.ok(image, [], ['-c', 'echo $HOME; id -u; pwd']),
      '/home/nonroot\n65532\n/home/nonroot\n',
    );
  });
});

describe('status.d is enough for dpkg-query', () => {
  it('lists exactly the base packages, and every md5sums line is "<md5>  <relative path>"', async () => {
    const { layout, report } = await built('base', 'latest');
    const [img] = await layoutImages(layout, 'latest');
    assert.ok(img);
    const root = join(work, 'base-root');
    await mkdir(root);
    await extractLayers(layout, img.manifest, root);
    const statusD = join(root, 'var/lib/dpkg/status.d');
    const files = (await readdir(statusD)).sort();
    const controls = files.filter((f) => !f.endsWith('.md5sums'));
    const names = [...BASE, 'ca-certificates'].sort();
    assert.deepEqual(controls, names);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.md5sums')),
      names.map((n) => `${n}.md5sums`).sort(),
      'every package has its md5sums',
    );

    const stanzas: string[] = [];
    for (const name of controls) {
      const text = await readFile(join(statusD, name), 'utf8');
      assert.match(text, new RegExp(`^Package: ${name.replace(/[.+]/g, '\\$&')}\n`), `status.d/${name}`);
      assert.doesNotMatch(text, /^Status:/m, 'distroless adds no Status line');
      stanzas.push(
        text.replace(/^(Package: .*\n)/, '$1Status: install ok installed\n').replace(/\n*$/, '\n'),
      );
    }
    const admin = join(work, 'dpkg-admin');
    await mkdir(admin);
    await writeFile(join(admin, 'status'), stanzas.join('\n'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's field syntax, not a JS template
    const format = '${Package} ${Version}\n';
    const q = await run('dpkg-query', [`--admindir=${admin}`, '-W', '-f', format]);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stderr, '', 'dpkg-query printed no warnings');
    const listed = q.stdout.trimEnd().split('\n').sort();
    assert.deepEqual(
      listed,
      names.map((n) => `${n} ${versionOf(report, n)}`),
    );

    // md5sums: the control archive's format, and right for every listed file the image holds.
    let checked = 0;
    const mismatched: string[] = [];
    for (const name of names) {
      const text = await readFile(join(statusD, `${name}.md5sums`), 'utf8');
      assert.ok(text.endsWith('\n') && text.length > 1, `${name}.md5sums ends with a newline`);
      for (const line of text.slice(0, -1).split('\n')) {
        const m = /^([0-9a-f]{32}) {2}([^/].*)$/.exec(line);
        assert.ok(m, `${name}.md5sums: bad line ${JSON.stringify(line)}`);
        const file = join(root, m[2]!);
        const st = await lstat(file).catch(() => undefined);
        if (!st?.isFile()) continue; // documentation left out; ca-certificates' own files are not shipped
        const real = await realpath(file);
        if (!real.startsWith(`${root}/`)) continue;
        const md5 = createHash('md5')
          .update(await readFile(real))
          .digest('hex');
        if (md5 !== m[1]) mismatched.push(`${name}: ${m[2]}`);
        checked++;
      }
    }
    assert.ok(checked > 100, `only ${checked} files checked against md5sums`);
    // Only os-release differs: pith rewrites PRETTY_NAME in its own layer, as distroless writes its own.
    assert.deepEqual(mismatched, ['base-files: usr/lib/os-release']);
  });
});

describe('amd64 + arm64 base index', () => {
  it('has both platforms (arm64/v8) and an AArch64 libc in the arm64 image', async () => {
    const layout = join(work, 'oci', 'base-multi');
    const report = await buildJson({
      preset: 'base',
      suite: 'trixie',
      archs: ['amd64', 'arm64'],
      output: `oci:${layout}:multi`,
    });
    assert.equal(report.mediaType, INDEX_TYPE);
    const raw = await run('skopeo', ['inspect', '--raw', `oci:${layout}:multi`]);
    assert.equal(raw.code, 0, raw.stderr);
    const index = JSON.parse(raw.stdout) as IndexDoc;
    assert.equal(index.mediaType, INDEX_TYPE);
    assert.deepEqual(
      index.manifests.map((m) => m.platform),
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux', variant: 'v8' },
      ],
    );

    const images = await layoutImages(layout, 'multi');
    const byArch = new Map(images.map((i) => [i.config.architecture, i]));
    assert.equal(byArch.get('arm64')?.config.variant, 'v8');
    const machines: Record<string, [string, number, RegExp]> = {
      amd64: ['usr/lib/x86_64-linux-gnu/libc.so.6', EM_X86_64, /ELF 64-bit LSB .*x86-64/],
      arm64: ['usr/lib/aarch64-linux-gnu/libc.so.6', EM_AARCH64, /ELF 64-bit LSB .*ARM aarch64/],
    };
    for (const [arch, [libc, machine, fileSays]] of Object.entries(machines)) {
      const img = byArch.get(arch);
      assert.ok(img, `no ${arch} image`);
      let layer: string | undefined;
      for (const l of img.manifest.layers)
        if ((await listLayer(layout, l.digest)).includes(libc)) layer = l.digest;
      assert.ok(layer, `no layer of the ${arch} image holds ${libc}`);
      const dest = join(work, `libc-${arch}`);
      await mkdir(dest);
      await extractMembers(layout, layer, dest, [libc]);
      const f = await run('file', ['-b', join(dest, libc)]);
      assert.match(f.stdout, fileSays, `${arch} libc: ${f.stdout}`);
      assert.equal(await elfMachine(join(dest, libc)), machine);
      const other = arch === 'amd64' ? 'aarch64' : 'x86_64';
      assert.ok(![...(await imageEntries(layout, img))].some((n) => n.includes(`/${other}-linux-gnu/`)));
    }

    // Architecture-independent packages give the same layer in both images.
    const diffIds = (arch: string) => new Set(byArch.get(arch)!.config.rootfs.diff_ids);
    const shared = [...diffIds('amd64')].filter((d) => diffIds('arm64').has(d));
    assert.ok(
      shared.length >= 4,
      `${shared.length} layers shared (tzdata, tzdata-legacy, netbase, media-types…)`,
    );
  });
});

describe('reproducibility', () => {
  it('base built twice gives identical digests and blobs', async () => {
    const outs = ['repro-a', 'repro-b'].map((n) => join(work, 'oci', n));
    const reports: BuildReport[] = [];
    for (const layout of outs)
      reports.push(
        await buildJson({
          preset: 'base',
          suite: 'trixie',
          archs: ['amd64'],
          output: `oci:${layout}:latest`,
        }),
      );
    assert.equal(reports[0]!.digest, reports[1]!.digest);
    assert.deepEqual(reports[0]!.images, reports[1]!.images);
    const [a, b] = await Promise.all(outs.map((l) => readFile(join(l, 'index.json'))));
    assert.ok(a!.equals(b!), 'index.json is byte-identical');
    const [ba, bb] = await Promise.all(outs.map((l) => readdir(join(l, 'blobs', 'sha256'))));
    assert.deepEqual(ba!.sort(), bb!.sort());
    // …and the same as the matrix build of base:latest (same inputs, separate process).
    const { report } = await built('base', 'latest');
    assert.equal(report.digest, reports[0]!.digest);
  });
});
