// Pushing and pulling through the registry client against the in-memory registry on 127.0.0.1: a
// two-platform index round trips byte-identical (no auth, and Bearer token auth with scopes); a 500 and a
// connection reset mid-upload are recovered; a blob whose bytes do not match its digest is refused; and the
// CLI builds straight to docker:// and reads it back.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildFromConfig } from '../../../src/assemble/index.ts';
import { loadConfig } from '../../../src/config/index.ts';
import { pullRemote, pushRemote } from '../../../src/io/index.ts';
import { type Artifact, imagesOf, parseReference, topDocument, validate } from '../../../src/oci/index.ts';
import { type MemoryRegistryOptions, startMemoryRegistry } from '../../../src/testing/index.ts';
import { pith, ROOT, tempDir } from '../../helpers.ts';

async function helloIndex(): Promise<Artifact> {
  const loaded = await loadConfig(join(ROOT, 'examples/hello/pith.yaml'));
  return (await buildFromConfig(loaded, { epoch: 0 })).artifact;
}

async function withRegistry<T>(
  opts: MemoryRegistryOptions,
  fn: (host: string, reg: Awaited<ReturnType<typeof startMemoryRegistry>>) => Promise<T>,
): Promise<T> {
  const reg = await startMemoryRegistry(opts);
  try {
    return await fn(reg.host, reg);
  } finally {
    await reg.close();
  }
}

describe('push and pull against the in-memory registry', () => {
  it('round trips a two-platform index byte-identical, anonymously', async () => {
    const artifact = await helloIndex();
    await withRegistry({}, async (host) => {
      const ref = parseReference(`${host}/pith/hello:v1`);
      const pushed = await pushRemote(ref, artifact);
      assert.equal(pushed.digest, topDocument(artifact).digest);
      const pulled = await pullRemote(ref);
      assert.equal(topDocument(pulled).digest, pushed.digest);
      assert.deepEqual(await validate(pulled), []);
      const byDigest = await pullRemote(parseReference(`${host}/pith/hello@${pushed.digest}`));
      assert.deepEqual(topDocument(byDigest).raw, topDocument(artifact).raw);
    });
  });

  it('speaks the Bearer token flow with scopes and the credentials it is given', async () => {
    const artifact = await helloIndex();
    await withRegistry({ auth: { kind: 'bearer', users: { alice: 'pw' } } }, async (host, reg) => {
      const ref = parseReference(`${host}/team/app:1`);
      await assert.rejects(
        pushRemote(ref, artifact, { credentials: async () => undefined }),
        /UNAUTHORIZED|DENIED|unauthorized|denied/i,
      );
      const credentials = async (r: string) =>
        r === host ? { username: 'alice', password: 'pw' } : undefined;
      await pushRemote(ref, artifact, { credentials });
      const pulled = await pullRemote(ref, { credentials });
      assert.deepEqual(await validate(pulled), []);
      const tokenRequests = reg.requests.filter((r) => r.path.startsWith('/token'));
      assert.ok(
        tokenRequests.length >= 1 && tokenRequests.length <= 6,
        `token requests: ${tokenRequests.length}`,
      );
      assert.ok(
        tokenRequests.some((r) => decodeURIComponent(r.path).includes('repository:team/app:pull,push')),
      );
    });
  });

  it('recovers from a 500 and from a connection reset in the middle of a chunked upload', async () => {
    const artifact = await helloIndex();
    await withRegistry(
      {
        faults: [
          {
            match: (r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && r.n === 1,
            action: 'status-500',
          },
          { match: (r) => r.method === 'PATCH' && r.n === 1, action: 'reset' },
        ],
      },
      async (host) => {
        const ref = parseReference(`${host}/pith/faulty:1`);
        // the waits between attempts are recorded and skipped, not slept
        const slept: number[] = [];
        const sleep = async (ms: number) => {
          slept.push(ms);
        };
        await pushRemote(ref, artifact, { chunkSize: 200, sleep });
        assert.deepEqual(slept, [250, 250], 'one backoff for the 500, one for the reset');
        assert.deepEqual(await validate(await pullRemote(ref, { sleep })), []);
        assert.equal(slept.length, 2, 'the pull needed no retry');
      },
    );
  });

  it('refuses a blob whose bytes do not match its digest', async () => {
    const artifact = await helloIndex();
    await withRegistry(
      {
        faults: [{ match: (r) => r.method === 'GET' && r.path.includes('/blobs/'), action: 'corrupt-blob' }],
      },
      async (host) => {
        const ref = parseReference(`${host}/pith/corrupt:1`);
        await pushRemote(ref, artifact);
        await assert.rejects(pullRemote(ref), (e: Error & { code?: string }) => {
          assert.equal(e.code, 'DIGEST_MISMATCH');
          assert.match(e.message, /hashes to sha256:[0-9a-f]{64}; refusing it/);
          return true;
        });
      },
    );
  });

  it('pith copy into an oci layout refuses a corrupted layer and writes no blob for it', async (t) => {
    const artifact = await helloIndex();
    const layers = new Set(imagesOf(artifact).flatMap((i) => i.layers.map((l) => l.descriptor.digest)));
    const corrupt = (path: string) => [...layers].some((d) => path.endsWith(`/blobs/${d}`));
    await withRegistry(
      { faults: [{ match: (r) => r.method === 'GET' && corrupt(r.path), action: 'corrupt-blob' }] },
      async (host) => {
        await pushRemote(parseReference(`${host}/pith/corrupt-layer:1`), artifact);
        const dir = join(await tempDir(t), 'layout');
        const r = await pith(['copy', `docker://${host}/pith/corrupt-layer:1`, `oci:${dir}:x`]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /DIGEST_MISMATCH|hashes to sha256:[0-9a-f]{64}; refusing it/);
        const blobs = await readdir(join(dir, 'blobs', 'sha256')).catch(() => [] as string[]);
        for (const d of layers) assert.ok(!blobs.includes(d.slice(7)), `no blob file for ${d}`);
        assert.deepEqual(
          blobs.filter((b) => !/^[0-9a-f]{64}$/.test(b)),
          [],
          'no temporary file is left',
        );
      },
    );
  });

  it('pith build --output docker://… pushes; inspect and validate read it back', async () => {
    await withRegistry({}, async (host) => {
      const ref = `docker://${host}/pith/cli:2`;
      const built = await pith(['build', 'examples/hello/pith.yaml', '--output', ref, '--json']);
      assert.equal(built.code, 0, built.stderr);
      const v = await pith(['validate', ref, '--json']);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.equal(
        (JSON.parse(v.stdout) as { digest: string }).digest,
        (JSON.parse(built.stdout) as { digest: string }).digest,
      );
    });
  });
});

describe('redirects', () => {
  it('follows a blob redirect to another host without sending it the credentials', async () => {
    const artifact = await helloIndex();
    const storage = await startMemoryRegistry({});
    try {
      await withRegistry(
        { auth: { kind: 'basic', users: { alice: 'pw' } }, redirectBlobsTo: storage.url },
        async (host, reg) => {
          const credentials = async (r: string) =>
            r === host ? { username: 'alice', password: 'pw' } : undefined;
          const ref = parseReference(`${host}/pith/redirected:1`);
          await pushRemote(ref, artifact, { credentials });
          for (const [digest, bytes] of reg.blobs) storage.blobs.set(digest, bytes);
          const pulled = await pullRemote(ref, { credentials });
          assert.deepEqual(await validate(pulled), []);
          const redirected = storage.requests.filter((r) => r.path.startsWith('/blob/'));
          assert.ok(redirected.length > 0, 'blobs were fetched from the other host');
          assert.ok(
            redirected.every((r) => r.headers['authorization'] === undefined),
            'no credentials sent to the other host',
          );
          assert.ok(
            reg.requests.some((r) => r.headers['authorization']?.startsWith('Basic ')),
            'the registry itself got them',
          );
        },
      );
    } finally {
      await storage.close();
    }
  });
});
