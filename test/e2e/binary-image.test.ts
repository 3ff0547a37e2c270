// Issue 11, point 4, with real parts: a C program gcc links here against libcurl and zlib is put on scratch
// (suite bookworm, the host's own, so the program's glibc and libcurl ABI fit); pith chooses the packages
// itself through the suite's verified Contents index (no package is configured), the image runs under
// podman + runc and prints the libcurl and zlib versions the chosen packages carry (checked against the
// build report). A program needing a soname no package ships is refused naming it, with nothing written.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pith, run, tempDir } from '../helpers.ts';
import { buildJson, CACHE_DIR, layoutImages, listLayer, Podman } from './helpers.ts';

const podman = new Podman();
after(() => podman.cleanup());

describe('a host binary on scratch gets the Debian packages it needs', { timeout: 900_000 }, () => {
  it('libcurl and zlib are chosen by pith; the image runs under podman', async (t) => {
    const dir = await tempDir(t);
    await writeFile(
      join(dir, 'prog.c'),
      '#include <curl/curl.h>\n#include <zlib.h>\n#include <stdio.h>\n' +
        'int main(void) { printf("%s zlib/%s\\n", curl_version(), zlibVersion()); return 0; }\n',
    );
    const cc = await run('gcc', ['prog.c', '-o', 'prog', '-lcurl', '-lz'], { cwd: dir });
    assert.equal(cc.code, 0, cc.stderr);
    await writeFile(
      join(dir, 'pith.yaml'),
      'suite: bookworm\narchs: [amd64]\nfiles:\n  - {src: prog, dst: /usr/bin/prog}\nentrypoint: [/usr/bin/prog]\n',
    );
    const archive = join(dir, 'img.tar');
    const report = await buildJson({
      config: join(dir, 'pith.yaml'),
      output: `docker-archive:${archive}:localhost/pith-curl:1`,
    });
    const pkgs = new Map(report.debian?.[0]?.packages.map((p) => [p.name, p.version]));
    for (const p of ['libc6', 'libcurl4', 'zlib1g'])
      assert.ok(pkgs.has(p), `${p} chosen (got ${[...pkgs.keys()].join(' ')})`);
    const image = await podman.load(archive);
    const out = await podman.ok(image);
    const curl = /libcurl\/(\S+)/.exec(out)?.[1];
    const zlib = /zlib\/(\S+)/.exec(out)?.[1];
    assert.ok(
      curl && pkgs.get('libcurl4')!.startsWith(curl),
      `libcurl ${curl} vs package ${pkgs.get('libcurl4')}`,
    );
    assert.ok(zlib && pkgs.get('zlib1g')!.includes(zlib), `zlib ${zlib} vs package ${pkgs.get('zlib1g')}`);
  });

  it('a static binary at /bin/hello on trixie lands in /usr/bin through the /bin link, which stays', async (t) => {
    const dir = await tempDir(t);
    await writeFile(
      join(dir, 'hello.c'),
      '#include <stdio.h>\nint main(void) { puts("hello via /bin"); return 0; }\n',
    );
    const cc = await run('gcc', ['-static', 'hello.c', '-o', 'hello'], { cwd: dir });
    assert.equal(cc.code, 0, cc.stderr);
    await writeFile(
      join(dir, 'pith.yaml'),
      'preset: static\narchs: [amd64]\nfiles:\n  - {src: hello, dst: /bin/hello}\nentrypoint: [/bin/hello]\n',
    );
    const layout = join(dir, 'img');
    const report = await buildJson({ config: join(dir, 'pith.yaml'), output: `oci:${layout}:latest` });
    assert.ok(report.digest);
    const [img] = await layoutImages(layout, 'latest');
    const files = await listLayer(layout, img!.manifest.layers.at(-1)!.digest);
    assert.ok(files.includes('usr/bin/hello'), files.join(' '));
    assert.ok(!files.includes('bin'), 'no directory entry replaces the /bin link');
    const archive = join(dir, 'img.tar');
    const copied = await pith([
      'copy',
      `oci:${layout}:latest`,
      `docker-archive:${archive}:localhost/pith-binlink:1`,
    ]);
    assert.equal(copied.code, 0, copied.stderr);
    const image = await podman.load(archive);
    assert.equal(await podman.ok(image), 'hello via /bin\n');
    assert.equal(await podman.ok(image, ['--entrypoint', '/usr/bin/hello']), 'hello via /bin\n');
  });

  it('a soname no package ships is refused, naming it; nothing is written', async (t) => {
    const d = await tempDir(t);
    await writeFile(join(d, 'nope.c'), 'int pith_nope(void) { return 7; }\n');
    await writeFile(join(d, 'useno.c'), 'int pith_nope(void);\nint main(void) { return pith_nope(); }\n');
    for (const args of [
      ['-shared', '-fPIC', '-Wl,-soname,libpithnope.so.1', '-o', 'libpithnope.so.1', 'nope.c'],
      ['useno.c', '-o', 'useno', '-L.', '-l:libpithnope.so.1'],
    ]) {
      const r = await run('gcc', args, { cwd: d });
      assert.equal(r.code, 0, r.stderr);
    }
    await writeFile(
      join(d, 'pith.yaml'),
      'suite: bookworm\narchs: [amd64]\nfiles:\n  - {src: useno, dst: /usr/bin/useno}\n',
    );
    const r = await pith([
      'build',
      join(d, 'pith.yaml'),
      '--output',
      `oci:${join(d, 'out')}`,
      '--cache-dir',
      CACHE_DIR,
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /libpithnope\.so\.1/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(!(await readdir(d)).includes('out'));
  });
});
