// Acceptance (issue 2, point 1): static programs built into scratch images by pith are loaded into podman
// from the docker-archive and from the OCI archive and run under podman + runc, as the default user
// (65532), as root, and with --user 65532; busybox checks the accounts layout from inside the container.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PODMAN_RUN, pith, ROOT, run } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'pith-podman-'));
const tag = `t${process.pid}`;
const names: string[] = [];

async function podman(args: string[]) {
  const r = await run('podman', args, { timeoutMs: 180_000 });
  return r;
}

async function runImage(image: string, extra: string[] = [], args: string[] = []) {
  const r = await podman([...PODMAN_RUN, ...extra, image, ...args]);
  assert.equal(r.code, 0, `podman run ${image} failed: ${r.stderr}`);
  return r.stdout;
}

async function load(file: string): Promise<string> {
  const r = await podman(['load', '-i', file]);
  assert.equal(r.code, 0, r.stderr);
  const m = /Loaded image(?:\(s\))?: (.+)/.exec(r.stdout);
  assert.ok(m, `podman load printed: ${r.stdout}`);
  const name = m[1]!.trim();
  names.push(name);
  return name;
}

before(async () => {
  const cc = await run('cc', [
    '-static',
    '-O2',
    '-o',
    join(work, 'hello'),
    join(ROOT, 'test/fixtures/static-hello.c'),
  ]);
  assert.equal(cc.code, 0, cc.stderr);
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  assert.ok(busybox, 'busybox-static is installed by .ci/run');
  await copyFile(busybox, join(work, 'busybox'));
  await writeFile(
    join(work, 'pith.yaml'),
    [
      'files:',
      '  - src: hello',
      '    dst: /app/hello',
      '  - src: busybox',
      '    dst: /bin/busybox',
      'entrypoint: [/app/hello]',
      'cmd: [from, pith]',
      '',
    ].join('\n'),
  );
});

after(async () => {
  if (names.length) await podman(['rmi', '-f', ...names]);
  rmSync(work, { recursive: true, force: true });
});

describe('scratch image under podman + runc', () => {
  for (const format of ['docker-archive', 'oci-archive'] as const) {
    it(`loads from ${format} and runs as 65532 by default, as root, and with --user 65532`, async () => {
      const file = join(work, `${format}.tar`);
      const r = await pith([
        'build',
        join(work, 'pith.yaml'),
        '--output',
        `${format}:${file}:localhost/pith-test/${format}:${tag}`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const image = await load(file);
      assert.match(image, new RegExp(`pith-test/${format}:${tag}$`));
      assert.equal(await runImage(image), 'static hello from pith\nuid=65532 gid=65532\n');
      assert.equal(await runImage(image, ['--user', '0']), 'static hello from pith\nuid=0 gid=0\n');
      assert.equal(
        await runImage(image, ['--user', '65532'], ['as', 'nonroot']),
        'static hello as nonroot\nuid=65532 gid=65532\n',
      );
    });
  }

  it('has the distroless accounts, modes and owners, seen from inside the container', async () => {
    const file = join(work, 'accounts.tar');
    const r = await pith([
      'build',
      join(work, 'pith.yaml'),
      '--output',
      `docker-archive:${file}:localhost/pith-test/accounts:${tag}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const image = await load(file);
    const bb = (...args: string[]) => runImage(image, ['--entrypoint', '/bin/busybox'], args);
    assert.equal(await bb('whoami'), 'nonroot\n');
    assert.equal(await bb('id'), 'uid=65532(nonroot) gid=65532(nonroot) groups=65532(nonroot)\n');
    assert.equal(
      await bb('stat', '-c', '%a %u:%g %n', '/tmp', '/root', '/home/nonroot', '/etc/passwd', '/app/hello'),
      '1777 0:0 /tmp\n700 0:0 /root\n700 65532:65532 /home/nonroot\n644 0:0 /etc/passwd\n755 0:0 /app/hello\n',
    );
    assert.equal(
      await bb('cat', '/etc/group'),
      'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n',
    );
    const shell = await podman([...PODMAN_RUN, '--entrypoint', '/bin/sh', image]);
    assert.notEqual(shell.code, 0, 'there is no /bin/sh in a scratch image');
  });
});
