// `pith ldd` against the real Debian mirror the host's apt uses, on programs gcc builds here. Oracles: the
// host is bookworm, so for a program linked with -lcurl -lz the packages pith picks from bookworm's Contents
// must be those `dpkg -S` names for the files the host's `ldd` resolves (same file too); the library map
// parsed from bookworm's verified Contents-amd64.gz must equal an awk reading of the same file; trixie must
// name its libcurl libcurl4t64. A soname no package ships (a library built here) is MISSING_SONAME.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LddReport } from '../../src/api/index.ts';
import {
  ContentCache,
  debianArchiveKeys,
  fetchLibraryContents,
  fetchRelease,
  mirrorsFrom,
  readAptSources,
} from '../../src/apt-repo/index.ts';
import { pith, run } from '../helpers.ts';
import { CACHE_DIR } from './helpers.ts';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pith-ldd-e2e-'));
  await writeFile(
    join(dir, 'prog.c'),
    '#include <curl/curl.h>\n#include <zlib.h>\n#include <stdio.h>\n' +
      'int main(void) { printf("%s %s\\n", curl_version(), zlibVersion()); return 0; }\n',
  );
  await writeFile(join(dir, 'nope.c'), 'int pith_nope(void) { return 7; }\n');
  await writeFile(join(dir, 'useno.c'), 'int pith_nope(void);\nint main(void) { return pith_nope(); }\n');
  for (const args of [
    ['prog.c', '-o', 'prog', '-lcurl', '-lz'],
    ['-shared', '-fPIC', '-Wl,-soname,libpithnope.so.1', '-o', 'libpithnope.so.1', 'nope.c'],
    ['useno.c', '-o', 'useno', '-L.', '-l:libpithnope.so.1'],
  ]) {
    const r = await run('gcc', args, { cwd: dir });
    assert.equal(r.code, 0, `gcc ${args.join(' ')}: ${r.stderr}`);
  }
});

after(() => rm(dir, { recursive: true, force: true }));

async function lddJson(file: string, suite: string): Promise<LddReport> {
  const r = await pith(['ldd', file, '--suite', suite, '--cache-dir', CACHE_DIR, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as LddReport;
}

/** The host's ldd: soname → resolved path, and the interpreter's path. */
async function hostLdd(file: string): Promise<{ libs: Map<string, string>; interp?: string }> {
  const r = await run('ldd', [file]);
  assert.equal(r.code, 0, r.stderr);
  const libs = new Map<string, string>();
  let interp: string | undefined;
  for (const line of r.stdout.split('\n')) {
    const lib = /^\s*(\S+) => (\/\S+) \(0x/.exec(line);
    if (lib) libs.set(lib[1]!, lib[2]!);
    const ld = /^\s*(\/\S+) \(0x/.exec(line);
    if (ld) interp = ld[1];
  }
  return { libs, ...(interp ? { interp } : {}) };
}

/** The package dpkg -S says owns a file, trying the path as given, then its real path (merged /usr). */
async function dpkgOwner(path: string): Promise<string> {
  for (const p of [path, realpathSync(path)]) {
    const r = await run('dpkg', ['-S', p]);
    const owner = r.stdout
      .split('\n')
      .find((l) => l.endsWith(`: ${p}`) && !l.startsWith('diversion '))
      ?.slice(0, -`: ${p}`.length);
    if (r.code === 0 && owner) return owner.split(', ')[0]!.replace(/:[a-z0-9]+$/, '');
  }
  assert.fail(`dpkg -S knows no package owning ${path}`);
}

describe('pith ldd on the real mirror', () => {
  it('bookworm: the packages dpkg -S names for what the host ldd resolves', async () => {
    const prog = join(dir, 'prog');
    const report = await lddJson(prog, 'bookworm');
    const host = await hostLdd(prog);
    const needed = (await run('readelf', ['-d', prog])).stdout.matchAll(
      /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g,
    );
    assert.deepEqual(
      report.libraries.map((l) => l.soname),
      [...needed].map((m) => m[1]),
      'every DT_NEEDED, in order',
    );
    const owners: string[] = [];
    for (const lib of report.libraries) {
      const hostPath = host.libs.get(lib.soname);
      assert.ok(hostPath, `the host ldd resolves ${lib.soname}`);
      const owner = await dpkgOwner(hostPath);
      owners.push(owner);
      assert.equal(lib.package, owner, `${lib.soname}: pith chose ${lib.package}, dpkg -S says ${owner}`);
      assert.equal(realpathSync(lib.path), realpathSync(hostPath), `${lib.soname}: the same file`);
      assert.equal(lib.from, 'debian');
      assert.match(lib.version ?? '', /\S/);
    }
    assert.ok(host.interp);
    const interp = report.interpreters[0];
    assert.equal(interp?.interpreter, host.interp);
    const ldOwner = await dpkgOwner(host.interp);
    assert.equal(interp?.package, ldOwner);
    assert.deepEqual(report.packages, [...new Set([...owners, ldOwner])].sort());
    assert.deepEqual(report.packages, ['libc6', 'libcurl4', 'zlib1g']);
    assert.deepEqual(report.missing, []);
  });

  it('the library map parsed from Contents-amd64.gz equals an awk reading of the same verified file', async () => {
    const mirrors = mirrorsFrom(await readAptSources());
    assert.ok(mirrors.archive);
    const ref = { base: mirrors.archive, suite: 'bookworm' };
    const cache = new ContentCache(CACHE_DIR);
    const opts = { keys: await debianArchiveKeys(), cache };
    const release = await fetchRelease(ref, opts);
    const map = await fetchLibraryContents(ref, release, 'main', 'amd64', opts);
    const file = join(CACHE_DIR, 'sha256', release.files.get('main/Contents-amd64.gz')!.sha256);
    // the path is all but the last field; a location's package is what follows its last '/'
    const awk = `{ loc=$NF; p=substr($0,1,length($0)-length(loc)); sub(/[ \\t]+$/,"",p); n=split(p,parts,"/");
      if (p ~ /^(usr\\/)?lib(64)?\\// && index(parts[n],".so")>0) { k=split(loc,ls,","); s="";
        for(i=1;i<=k;i++){ m=split(ls[i],q,"/"); s = s (i>1?",":"") q[m] } print p "\\t" s } }`;
    const r = await run('sh', ['-c', `zcat "$1" | LC_ALL=C awk '${awk}' | LC_ALL=C sort`, 'sh', file]);
    assert.equal(r.code, 0, r.stderr);
    const mine = [...(map ?? [])].map(([p, pkgs]) => `${p}\t${pkgs.join(',')}`);
    const sorted = mine.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.ok(sorted.length > 10_000, `${sorted.length} library paths`);
    assert.deepEqual(sorted, r.stdout.trimEnd().split('\n'));
  });

  it('trixie: libcurl is libcurl4t64 — when the mirror serves the Contents its InRelease lists', async () => {
    // The oracle of the mirror's state: does it serve, by hash or by name, the bytes the InRelease lists?
    const mirrors = mirrorsFrom(await readAptSources());
    const base = `${mirrors.archive}/dists/trixie`;
    const inRelease = await (await fetch(`${base}/InRelease`)).text();
    const sha = /^ ([0-9a-f]{64}) +\d+ main\/Contents-amd64\.gz$/m.exec(inRelease)?.[1];
    assert.ok(sha, 'the trixie InRelease lists main/Contents-amd64.gz');
    let consistent = false;
    for (const url of [`${base}/main/by-hash/SHA256/${sha}`, `${base}/main/Contents-amd64.gz`]) {
      const res = await fetch(url);
      const body = res.ok ? Buffer.from(await res.arrayBuffer()) : undefined;
      if (body && createHash('sha256').update(body).digest('hex') === sha) consistent = true;
    }
    const r = await pith(['ldd', join(dir, 'prog'), '--cache-dir', CACHE_DIR, '--json']);
    if (!consistent) {
      // a mirror serving a Contents other than the signed one: refused, never used
      assert.equal(r.code, 4, r.stderr);
      const error = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'HASH_MISMATCH');
      assert.match(error.message, /dists\/trixie\/main\/Contents-amd64\.gz: .* the signed Release lists/);
      return;
    }
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as LddReport;
    assert.equal(report.suite, 'trixie');
    assert.equal(report.arch, 'amd64', 'from the ELF header');
    const by = Object.fromEntries(report.libraries.map((l) => [l.soname, l.package]));
    assert.deepEqual(by, { 'libcurl.so.4': 'libcurl4t64', 'libz.so.1': 'zlib1g', 'libc.so.6': 'libc6' });
    assert.deepEqual(report.packages, ['libc6', 'libcurl4t64', 'zlib1g']);
  });

  it('a soname no package ships: MISSING_SONAME naming it and the binary', async () => {
    const useno = join(dir, 'useno');
    const r = await pith(['ldd', useno, '--suite', 'bookworm', '--cache-dir', CACHE_DIR, '--json']);
    assert.equal(r.code, 3, r.stderr);
    const error = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'MISSING_SONAME');
    assert.ok(error.message.includes(`libpithnope.so.1 (needed by ${useno})`), error.message);
    assert.match(r.stderr, /^pith: no library libpithnope\.so\.1 /m);
  });
});
