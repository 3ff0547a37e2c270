// Acceptance (issue 4, point 1): pith against a real registry — Debian's docker-registry (distribution 2.8)
// on 127.0.0.1 — with skopeo and podman as peers. Anonymous: pith pushes the two-platform hello index and
// skopeo sees exactly its bytes, copies it to an OCI layout that pith validates with the same digest, pushes
// a Docker schema-2 image that pith pulls, validates and inspects, and podman pulls and runs pith's image.
// htpasswd Basic auth: no or wrong credentials fail with exit 3 and a 401 message that names the registry
// and never the password; credentials from REGISTRY_AUTH_FILE push. TLS with a generated CA: push and pull
// through the API with caFile; without it, one prompt certificate error.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildFromConfig } from '../../src/assemble/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { RegistryClient } from '../../src/io/index.ts';
import { pullArtifact } from '../../src/io/registry/pull.ts';
import { pushArtifact } from '../../src/io/registry/push.ts';
import { RegistryError, RegistryTransport } from '../../src/io/registry/transport/index.ts';
import { type Artifact, topDocument, validate } from '../../src/oci/index.ts';
import { CLI, PODMAN_RUN, ROOT, type RunResult, run } from '../helpers.ts';
import { type RegistryServer, startRegistry } from './registry-server.ts';

const CHILD_TIMEOUT_MS = 90_000;
const HELLO = 'examples/hello/pith.yaml';

/** The pith CLI with a bounded run time and an isolated keychain (HOME, DOCKER_CONFIG, REGISTRY_AUTH_FILE). */
function pith(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], {
    env: { ...process.env, CI: 'true', ...isolated, ...env },
    timeoutMs: CHILD_TIMEOUT_MS,
  });
}

/** A peer tool (skopeo, podman) with a bounded run time. */
function tool(cmd: string, args: string[]): Promise<RunResult> {
  return run(cmd, args, { env: { ...process.env, ...isolated }, timeoutMs: CHILD_TIMEOUT_MS });
}

const sha256 = (b: string | Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** No stack trace: no `    at fn (file:line:col)` lines. */
function assertNoStack(r: RunResult): void {
  assert.doesNotMatch(r.stdout + r.stderr, /^\s+at .+[:(]\d+:\d+\)?$/m, r.stderr);
}

// An empty keychain for every child, so nothing on the host answers for 127.0.0.1.
let isolated: NodeJS.ProcessEnv = {};
let scratch = '';
const registries: RegistryServer[] = [];

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'pith-registry-real-'));
  await mkdir(join(scratch, 'home'), { recursive: true });
  await mkdir(join(scratch, 'docker'), { recursive: true });
  const empty = join(scratch, 'empty-auth.json');
  await writeFile(empty, '{"auths":{}}');
  isolated = {
    HOME: join(scratch, 'home'),
    DOCKER_CONFIG: join(scratch, 'docker'),
    REGISTRY_AUTH_FILE: empty,
  };
});

after(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function helloIndex(): Promise<Artifact> {
  const loaded = await loadConfig(join(ROOT, HELLO));
  return (await buildFromConfig(loaded, { epoch: 0 })).artifact;
}

describe('anonymous docker-registry on 127.0.0.1', { timeout: 120_000 }, () => {
  let reg: RegistryServer;
  let built: { digest: string; size: number; mediaType: string };
  const pulled: string[] = [];

  before(async () => {
    reg = await startRegistry();
    registries.push(reg);
  });

  after(async () => {
    // by name, without --force: only our tags go, never an image another test also named
    if (pulled.length) await tool('podman', ['rmi', '--ignore', ...pulled]);
  });

  it('pith pushes the two-platform index; skopeo sees exactly those bytes', { timeout: 60_000 }, async () => {
    const ref = `docker://${reg.host}/pith/hello:1`;
    const b = await pith(['build', HELLO, '--output', ref, '--json']);
    assert.equal(b.code, 0, `${b.stderr}\nregistry log:\n${reg.logTail()}`);
    built = JSON.parse(b.stdout) as typeof built;
    assert.equal(built.mediaType, 'application/vnd.oci.image.index.v1+json');

    const raw = await tool('skopeo', ['inspect', '--tls-verify=false', '--raw', ref]);
    assert.equal(raw.code, 0, `${raw.stderr}\nregistry log:\n${reg.logTail()}`);
    assert.equal(sha256(raw.stdout), built.digest, 'skopeo reads back the bytes pith pushed');
    assert.equal(Buffer.byteLength(raw.stdout), built.size);
    const index = JSON.parse(raw.stdout) as { manifests: { platform: { architecture: string } }[] };
    assert.deepEqual(
      index.manifests.map((m) => m.platform.architecture),
      ['amd64', 'arm64'],
    );

    const byDigest = await tool('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--raw',
      `docker://${reg.host}/pith/hello@${built.digest}`,
    ]);
    assert.equal(byDigest.code, 0, byDigest.stderr);
    assert.equal(byDigest.stdout, raw.stdout);

    // each platform's SBOM: distribution 2.8 has no referrers API, so it is listed by the fallback tag
    // `sha256-<hex>` (distribution-spec 1.1), which skopeo reads as an ordinary OCI index
    for (const m of (JSON.parse(raw.stdout) as { manifests: { digest: string }[] }).manifests) {
      const tag = m.digest.replace(':', '-');
      const listed = await tool('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--raw',
        `docker://${reg.host}/pith/hello:${tag}`,
      ]);
      assert.equal(listed.code, 0, `${listed.stderr}\nregistry log:\n${reg.logTail()}`);
      const referrers = JSON.parse(listed.stdout) as {
        manifests: { artifactType?: string; digest: string }[];
      };
      assert.deepEqual(
        referrers.manifests.map((r) => r.artifactType),
        ['application/vnd.cyclonedx+json'],
      );
      const sbom = await tool('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--raw',
        `docker://${reg.host}/pith/hello@${referrers.manifests[0]!.digest}`,
      ]);
      assert.equal((JSON.parse(sbom.stdout) as { subject: { digest: string } }).subject.digest, m.digest);
    }
  });

  it('skopeo copy --all into an OCI layout round trips byte-identical', { timeout: 60_000 }, async () => {
    assert.ok(built, 'the push test ran first');
    const dir = join(scratch, 'copied');
    const copy = await tool('skopeo', [
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${reg.host}/pith/hello:1`,
      `oci:${dir}:x`,
    ]);
    assert.equal(copy.code, 0, `${copy.stderr}\nregistry log:\n${reg.logTail()}`);
    const v = await pith(['validate', `oci:${dir}:x`, '--json']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const report = JSON.parse(v.stdout) as { digest: string; valid: boolean; images: number };
    assert.equal(report.valid, true);
    assert.equal(report.images, 2);
    assert.equal(report.digest, built.digest);

    const byDigest = await pith(['validate', `docker://${reg.host}/pith/hello@${built.digest}`, '--json']);
    assert.equal(byDigest.code, 0, byDigest.stdout + byDigest.stderr);
    assert.equal((JSON.parse(byDigest.stdout) as { digest: string }).digest, built.digest);
  });

  it('pith pulls, validates and inspects a Docker schema-2 image that skopeo pushed', {
    timeout: 60_000,
  }, async () => {
    const archive = join(scratch, 'hello-amd64.tar');
    const b = await pith(['build', HELLO, '--arch', 'amd64', '--output', `oci-archive:${archive}`]);
    assert.equal(b.code, 0, b.stderr);
    const ref = `docker://${reg.host}/other/img:2`;
    const copy = await tool('skopeo', [
      'copy',
      '--format',
      'v2s2',
      '--dest-tls-verify=false',
      `oci-archive:${archive}`,
      ref,
    ]);
    assert.equal(copy.code, 0, `${copy.stderr}\nregistry log:\n${reg.logTail()}`);
    const raw = await tool('skopeo', ['inspect', '--tls-verify=false', '--raw', ref]);
    assert.equal(raw.code, 0, raw.stderr);
    const manifest = JSON.parse(raw.stdout) as { mediaType: string; layers: { digest: string }[] };
    assert.equal(manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');

    const v = await pith(['validate', ref, '--json']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const report = JSON.parse(v.stdout) as { digest: string; valid: boolean; problems: unknown[] };
    assert.equal(report.valid, true, JSON.stringify(report.problems));
    assert.equal(report.digest, sha256(raw.stdout));

    const i = await pith(['inspect', ref, '--json']);
    assert.equal(i.code, 0, i.stdout + i.stderr);
    const seen = JSON.parse(i.stdout) as {
      mediaType: string;
      images: { platform: string; layers: { digest: string; mediaType: string }[] }[];
    };
    assert.equal(seen.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(seen.images.length, 1);
    assert.equal(seen.images[0]!.platform, 'linux/amd64');
    assert.deepEqual(
      seen.images[0]!.layers.map((l) => l.digest),
      manifest.layers.map((l) => l.digest),
    );
    for (const l of seen.images[0]!.layers) {
      assert.equal(l.mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
    }
    const text = await pith(['inspect', ref]);
    assert.equal(text.code, 0, text.stderr);
    for (const l of manifest.layers) assert.ok(text.stdout.includes(l.digest.slice(7, 19)), text.stdout);
  });

  it('podman pulls pith’s index from the registry and runs it', { timeout: 90_000 }, async () => {
    assert.ok(built, 'the push test ran first');
    const name = `${reg.host}/pith/hello:1`;
    const p = await tool('podman', ['pull', '--tls-verify=false', name]);
    if (p.code === 0) pulled.push(name);
    assert.equal(p.code, 0, `${p.stderr}\nregistry log:\n${reg.logTail()}`);
    const r = await tool('podman', [...PODMAN_RUN, name]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from a pith image (uid 65532)\n');
  });
});

describe('docker-registry with htpasswd Basic auth', { timeout: 90_000 }, () => {
  const user = 'pith-user';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const wrong = `wrong-${randomBytes(12).toString('hex')}`;
  let reg: RegistryServer;

  before(async () => {
    reg = await startRegistry({ auth: { username: user, password } });
    registries.push(reg);
  });

  /** Neither secret, nor the base64 forms auth.json and the Authorization header carry, is printed. */
  function assertNoSecrets(r: RunResult): void {
    const out = r.stdout + r.stderr;
    for (const secret of [password, wrong]) {
      assert.ok(!out.includes(secret), `a password was printed:\n${out}`);
      const b64 = Buffer.from(`${user}:${secret}`).toString('base64');
      assert.ok(!out.includes(b64), `base64 credentials were printed:\n${out}`);
    }
  }

  it('refuses a push without credentials: exit 3, 401 naming the registry, no stack', async () => {
    const r = await pith(['build', HELLO, '--output', `docker://${reg.host}/pith/auth:1`]);
    assert.equal(r.code, 3, `exit ${r.code}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /401|unauthorized/i);
    assert.ok(r.stderr.includes(reg.host), r.stderr);
    assert.match(r.stderr, /no credentials for /);
    assertNoStack(r);
    const json = await pith(['build', HELLO, '--output', `docker://${reg.host}/pith/auth:1`, '--json']);
    assert.equal(json.code, 3, json.stdout + json.stderr);
    // no build report for a failed push: only the error, as one JSON object
    const error = (JSON.parse(json.stdout) as { error: Record<string, unknown> }).error;
    assert.equal(error['code'], 'UNAUTHORIZED');
    assert.equal(error['exitCode'], 3);
    assert.ok(String(error['message']).includes(reg.host));
    assert.equal(Object.keys(JSON.parse(json.stdout)).join(), 'error');
    assertNoStack(json);
  });

  it('refuses a wrong password without printing it', async () => {
    const authFile = await reg.authFile(user, wrong, 'wrong.json');
    const r = await pith(['build', HELLO, '--output', `docker://${reg.host}/pith/auth:1`], {
      REGISTRY_AUTH_FILE: authFile,
    });
    assert.equal(r.code, 3, `exit ${r.code}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /401|unauthorized/i);
    assert.ok(r.stderr.includes(reg.host), r.stderr);
    assert.match(r.stderr, /credentials for \S+ were refused/);
    assertNoStack(r);
    assertNoSecrets(r);
  });

  it('pushes with REGISTRY_AUTH_FILE credentials; skopeo --creds sees it', async () => {
    const authFile = await reg.authFile(user, password);
    const env = { REGISTRY_AUTH_FILE: authFile };
    const ref = `docker://${reg.host}/pith/auth:1`;
    const b = await pith(['build', HELLO, '--output', ref, '--json'], env);
    assert.equal(b.code, 0, `${b.stderr}\nregistry log:\n${reg.logTail()}`);
    assertNoSecrets(b);
    const { digest } = JSON.parse(b.stdout) as { digest: string };

    const raw = await tool('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--creds',
      `${user}:${password}`,
      '--raw',
      ref,
    ]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(sha256(raw.stdout), digest);

    const v = await pith(['validate', ref, '--json'], env);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal((JSON.parse(v.stdout) as { digest: string }).digest, digest);
    assertNoSecrets(v);

    const anonymous = await pith(['inspect', ref]);
    assert.equal(anonymous.code, 3, anonymous.stdout + anonymous.stderr);
    assertNoStack(anonymous);
  });
});

describe('docker-registry over TLS with a generated CA', { timeout: 90_000 }, () => {
  const user = 'tls-user';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const credentials = async (registry: string) =>
    registry === reg.host ? { username: user, password } : undefined;
  let reg: RegistryServer;

  before(async () => {
    reg = await startRegistry({ tls: true, auth: { username: user, password } });
    registries.push(reg);
  });

  it('pushes and pulls through the API with caFile; the digests match', async () => {
    const artifact = await helloIndex();
    const transport = new RegistryTransport({
      registry: reg.origin,
      caFile: reg.caFile!,
      credentials,
    });
    try {
      assert.equal(transport.scheme, 'https');
      const client = new RegistryClient(transport, reg.host);
      const pushed = await pushArtifact(client, 'pith/tls', artifact, '1');
      assert.equal(pushed.digest, topDocument(artifact).digest);
      const pulled = await pullArtifact(client, 'pith/tls', '1');
      assert.equal(topDocument(pulled).digest, pushed.digest);
      assert.deepEqual(topDocument(pulled).raw, topDocument(artifact).raw);
      assert.deepEqual(await validate(pulled), []);
    } finally {
      transport.close();
    }

    // skopeo, verifying the certificate against the same CA, sees the same index
    const certs = join(reg.dir, 'skopeo-certs');
    await mkdir(certs);
    await writeFile(join(certs, 'ca.crt'), await readFile(reg.caFile!));
    const raw = await tool('skopeo', [
      'inspect',
      '--cert-dir',
      certs,
      '--creds',
      `${user}:${password}`,
      '--raw',
      `docker://${reg.host}/pith/tls:1`,
    ]);
    assert.equal(raw.code, 0, `${raw.stderr}\nregistry log:\n${reg.logTail()}`);
    assert.equal(sha256(raw.stdout), topDocument(artifact).digest);
  });

  it('without caFile fails promptly with a certificate error and no retries', async () => {
    const retries: unknown[] = [];
    const transport = new RegistryTransport({
      registry: reg.origin,
      credentials,
      onRetry: (info) => retries.push(info),
    });
    try {
      await assert.rejects(
        pullArtifact(new RegistryClient(transport, reg.host), 'pith/tls', '1'),
        (err: unknown) => {
          assert.ok(err instanceof RegistryError, String(err));
          assert.equal(err.code, 'REGISTRY_UNREACHABLE');
          assert.equal(err.status, undefined);
          assert.match(err.message, /certificate/i);
          assert.match(err.message, /caFile/);
          assert.ok(err.message.includes(reg.host), err.message);
          assert.ok(!err.message.includes(password), err.message);
          return true;
        },
      );
    } finally {
      transport.close();
    }
    assert.deepEqual(retries, [], 'a certificate failure is not retried');
  });
});
