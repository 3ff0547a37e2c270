// The registry commands against the in-memory registry: build to docker://, digest, ls, tag, copy between
// transports with --platform, and login/logout feeding the keychain that push then uses; login checks the
// credentials first (refused or unreachable: nothing saved); digest hashes what it receives, whatever the
// registry's Docker-Content-Digest header says.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushRemote } from '../../src/io/index.ts';
import { parseReference } from '../../src/oci/index.ts';
import { type MemoryRegistry, startMemoryRegistry } from '../../src/testing/index.ts';
import { CLI, closedPort, pith, tempDir } from '../helpers.ts';
import { smallImage } from '../oci/fixtures.ts';

let reg: MemoryRegistry;
before(async () => {
  reg = await startMemoryRegistry({});
});
after(() => reg.close());

function withStdin(
  args: string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, CI: 'true', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const json = <T>(r: { stdout: string }) => JSON.parse(r.stdout) as T;

describe('registry commands', () => {
  it('build to docker://, then digest, ls, tag and copy with --platform', async (t) => {
    const dir = await tempDir(t);
    const ref = `docker://${reg.host}/pith/hello:1`;
    const built = await pith(['build', 'examples/hello/pith.yaml', '--output', ref, '--json']);
    assert.equal(built.code, 0, built.stderr);
    const report = json<{ digest: string; images: { digest: string; platform: string }[] }>(built);
    assert.equal(json<{ digest: string }>(await pith(['digest', ref, '--json'])).digest, report.digest);
    assert.equal((await pith(['digest', `oci:${dir}/none`])).code, 3);
    const tagged = await pith(['tag', ref, 'stable', '--json']);
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.deepEqual(json<{ reference: string; digest: string }>(tagged), {
      reference: `${reg.host}/pith/hello:stable`,
      digest: report.digest,
    });
    assert.deepEqual(json<string[]>(await pith(['ls', `docker://${reg.host}/pith/hello`, '--json'])).sort(), [
      '1',
      'stable',
    ]);
    const arm = report.images.find((i) => i.platform === 'linux/arm64/v8')!;
    const copied = await pith(['copy', ref, `oci:${dir}/arm:x`, '--platform', 'linux/arm64', '--json']);
    assert.equal(copied.code, 0, copied.stderr);
    assert.equal(json<{ digest: string }>(copied).digest, arm.digest);
    const back = await pith(['copy', `oci:${dir}/arm:x`, `docker://${reg.host}/other/arm:only`, '--json']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await pith(['validate', `docker://${reg.host}/other/arm:only`])).code, 0);
    reg.requests.length = 0;
    const mirrored = await pith(['copy', ref, `docker://${reg.host}/mirror/hello:1`, '--json']);
    assert.equal(mirrored.code, 0, mirrored.stderr);
    const toMirror = reg.requests.filter((r) => r.path.startsWith('/v2/mirror/hello/blobs/uploads/'));
    // the memory registry shares blobs across repositories, so they are found present; none is re-uploaded
    assert.deepEqual(
      toMirror.filter((r) => r.method !== 'POST' || !r.path.includes('mount=')),
      [],
      'no blob is re-uploaded within one registry',
    );
    assert.equal(json<{ digest: string }>(mirrored).digest, report.digest);
    const none = await pith(['copy', ref, `oci:${dir}/x`, '--platform', 'linux/s390x']);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /has no image for linux\/s390x \(platforms: linux\/amd64, linux\/arm64\/v8\)/);
  });

  it('login saves credentials the next push uses; logout removes them; the password is never printed', async (t) => {
    const dir = await tempDir(t);
    const auth = await startMemoryRegistry({ auth: { kind: 'bearer', users: { alice: 'sekr1t-pw' } } });
    t.after(() => auth.close());
    const env = { REGISTRY_AUTH_FILE: join(dir, 'auth.json') };
    const ref = `docker://${auth.host}/team/app:1`;
    const denied = await pith(['build', 'examples/hello/pith.yaml', '--output', ref], { env });
    assert.equal(denied.code, 3, denied.stderr);
    assert.doesNotMatch(denied.stderr, /\n\s+at /);
    const login = await withStdin(
      ['login', auth.host, '-u', 'alice', '--password-stdin'],
      'sekr1t-pw\n',
      env,
    );
    assert.equal(login.code, 0, login.stderr);
    assert.doesNotMatch(login.stdout + login.stderr, /sekr1t-pw/);
    assert.match(
      await readFile(env.REGISTRY_AUTH_FILE, 'utf8'),
      new RegExp(Buffer.from('alice:sekr1t-pw').toString('base64')),
    );
    const pushed = await pith(['build', 'examples/hello/pith.yaml', '--output', ref], { env });
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.doesNotMatch(pushed.stdout + pushed.stderr, /sekr1t-pw/);
    const logout = await pith(['logout', auth.host, '--json'], { env });
    assert.deepEqual(json<{ removed: boolean }>(logout), { registry: auth.host, removed: true });
    assert.equal((await pith(['validate', ref], { env })).code, 3, 'anonymous again after logout');
  });

  it('login refuses wrong credentials and an unreachable registry, and saves nothing then', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'auth.json');
    const env = { REGISTRY_AUTH_FILE: file };
    const bearer = await startMemoryRegistry({ auth: { kind: 'bearer', users: { alice: 'right' } } });
    t.after(() => bearer.close());
    const basic = await startMemoryRegistry({ auth: { kind: 'basic', users: { bob: 'right' } } });
    t.after(() => basic.close());
    const login = (host: string, user: string, password: string) =>
      withStdin(['login', host, '-u', user, '--password-stdin'], `${password}\n`, env);
    const saved = () =>
      access(file).then(
        () => true,
        () => false,
      );
    for (const [reg, user] of [
      [bearer, 'alice'],
      [basic, 'bob'],
    ] as const) {
      const wrong = await login(reg.host, user, 'wrong-pw');
      assert.equal(wrong.code, 3, wrong.stderr);
      assert.match(
        wrong.stderr,
        new RegExp(
          `^pith: ${reg.host} refused the credentials of ${user} \\(.*(401|400).*\\); nothing was saved\\n$`,
        ),
      );
      assert.doesNotMatch(wrong.stderr, /wrong-pw/);
      assert.equal(await saved(), false, 'nothing saved');
    }
    const closed = await closedPort();
    const unreachable = await login(`127.0.0.1:${closed}`, 'alice', 'right');
    assert.equal(unreachable.code, 5, unreachable.stderr);
    assert.match(
      unreachable.stderr,
      new RegExp(`^pith: GET http://127\\.0\\.0\\.1:${closed}/v2/: .*ECONNREFUSED.*\\n$`),
    );
    assert.equal(await saved(), false, 'nothing saved');
    const right = await login(basic.host, 'bob', 'right');
    assert.equal(right.code, 0, right.stderr);
    assert.equal(await saved(), true);
  });

  it('digest hashes the manifest it receives, not the Docker-Content-Digest header', async () => {
    const liar = await startMemoryRegistry({
      faults: [{ match: (r) => r.path.includes('/manifests/'), action: 'wrong-digest-header' }],
    });
    try {
      const image = await smallImage();
      await pushRemote(parseReference(`${liar.host}/lies/app:1`), image);
      const head = await fetch(`${liar.url}/v2/lies/app/manifests/1`, { method: 'HEAD' });
      const lie = head.headers.get('docker-content-digest');
      assert.ok(lie && lie !== image.manifest.digest, 'the registry lies');
      const d = await pith(['digest', `docker://${liar.host}/lies/app:1`]);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.stdout.trim(), image.manifest.digest);
    } finally {
      await liar.close();
    }
  });
});
