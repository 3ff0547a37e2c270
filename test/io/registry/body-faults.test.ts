// Network faults inside response bodies, through the fault proxy on 127.0.0.1 in front of the in-memory
// registry: a blob whose connection drops (FIN or RST), stalls, or breaks its chunked framing mid-way is
// resumed with Range from the byte it stopped at and arrives byte-identical; a server that ignores Range
// is read again from zero without repeating a byte; manifests and token responses cut short are asked for
// again; when every attempt fails, one final io error says how far it got and that it gave up. The waits
// between attempts go to a fake sleep that records the delay asked for and returns at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pullRemote, RegistryClient } from '../../../src/io/index.ts';
import { RegistryError, RegistryTransport } from '../../../src/io/registry/transport/index.ts';
import { type Image, parseReference } from '../../../src/oci/index.ts';
import { everyFault, failGets, startFaultProxy } from '../../../src/testing/index.ts';
import { collect } from '../../oci/fixtures.ts';
import { frontedRegistry } from './fault-fixtures.ts';
import { reply, serve } from './transport-server.ts';

/** A sleep that records the delays asked for and returns at once. */
function fakeSleep() {
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
  };
  return { slept, sleep };
}

/** Reads the image's layer through `ref` (a fresh client: no shared connections between tests). */
async function pullLayer(
  ref: string,
  image: Image,
  sleep: (ms: number) => Promise<void>,
  idleTimeoutMs?: number,
): Promise<Buffer> {
  const pulled = await pullRemote(parseReference(ref), {
    sleep,
    ...(idleTimeoutMs ? { idleTimeoutMs } : {}),
  });
  assert.equal(pulled.kind, 'image');
  const layer = pulled.kind === 'image' ? pulled.layers[0]! : assert.fail();
  assert.equal(layer.descriptor.digest, image.layers[0]!.descriptor.digest);
  return collect(layer.open());
}

const original = (image: Image) => collect(image.layers[0]!.open());

describe('blob bodies cut short are resumed', () => {
  for (const [what, fault] of everyFault(700_000)) {
    it(`after ${what}, from the byte it stopped at`, async (t) => {
      const f = await frontedRegistry(t, (img) => [failGets(img.layers[0]!.descriptor.digest, fault)]);
      const { slept, sleep } = fakeSleep();
      const bytes = await pullLayer(f.ref, f.image, sleep, fault.kind === 'stall' ? 1000 : undefined);
      assert.deepEqual(bytes, await original(f.image));
      assert.deepEqual(slept, [250]);
      const gets = f.proxy.requests.filter((r) => r.path.endsWith(f.layer));
      assert.deepEqual(
        gets.map((r) => [r.status, r.fault]),
        [
          [200, fault.kind],
          [206, undefined],
        ],
      );
      // what arrived before the fault is not asked for again (a reset may lose bytes still in flight)
      const from = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
      assert.ok(from > 0 && from <= 700_000, `resumed from ${gets[1]!.range}`);
    });
  }

  it('reads again from zero, skipping what it already has, when the server ignores Range', async (t) => {
    const body = Buffer.from('0123456789'.repeat(10_000));
    const upstream = await serve(t, (_s, res) => reply(res, 200, {}, body)); // never a 206
    const proxy = await startFaultProxy(upstream.origin, [
      failGets('/v2/a/blobs/sha256:00', { kind: 'drop', afterBytes: 33_333 }),
    ]);
    t.after(() => proxy.close());
    const { slept, sleep } = fakeSleep();
    const transport = new RegistryTransport({ registry: proxy.host, sleep });
    t.after(() => transport.close());
    const got = await collect(
      transport.stream({ method: 'GET', path: '/v2/a/blobs/sha256:00', scope: '', expect: [200] }),
    );
    assert.deepEqual(got, body, 'the same byte sequence, no byte twice');
    assert.deepEqual(slept, [250]);
    assert.deepEqual(
      proxy.requests.filter((r) => r.path.includes('blobs')).map((r) => [r.status, r.range]),
      [
        [200, undefined],
        [200, 'bytes=33333-'],
      ],
    );
  });

  it('gives up after 4 attempts with one io error saying how far it got', async (t) => {
    const f = await frontedRegistry(t, (img) => [
      failGets(img.layers[0]!.descriptor.digest, { kind: 'drop', afterBytes: 1000 }, 99),
    ]);
    const size = f.image.layers[0]!.descriptor.size;
    const { slept, sleep } = fakeSleep();
    await assert.rejects(pullLayer(f.ref, f.image, sleep), (err: unknown) => {
      assert.ok(err instanceof RegistryError, String(err));
      assert.equal(err.kind, 'io');
      assert.equal(err.code, 'CONNECTION_LOST');
      assert.match(
        err.message,
        new RegExp(
          `^GET http://${f.proxy.host}/v2/faults/big/blobs/${f.layer}: connection lost after 4000 of ${size} bytes \\(ECONNRESET\\); gave up after 4 attempts$`,
        ),
      );
      return true;
    });
    assert.equal(f.proxy.requests.filter((r) => r.path.endsWith(f.layer)).length, 4);
    assert.deepEqual(slept, [250, 500, 1000], 'three backoffs, none after the last attempt');
  });
});

describe('small bodies cut short are asked for again', () => {
  it('a manifest whose body breaks mid-way', async (t) => {
    const f = await frontedRegistry(t, () => [
      failGets('/manifests/1', { kind: 'bad-chunking', afterBytes: 10 }, 2),
    ]);
    const { slept, sleep } = fakeSleep();
    const m = await new RegistryClient(
      new RegistryTransport({ registry: f.proxy.host, sleep }),
      f.proxy.host,
    ).getManifest('faults/big', '1');
    assert.equal(m.digest, f.image.manifest.digest);
    assert.deepEqual(slept, [250, 500]);
    assert.equal(f.proxy.requests.filter((r) => r.path.endsWith('/manifests/1')).length, 3);
  });

  it('a token response whose connection drops', async (t) => {
    let realm = '';
    const upstream = await serve(t, (s, res) => {
      if (s.url.startsWith('/token')) return reply(res, 200, {}, { token: 'tok-123', expires_in: 300 });
      if (s.headers.authorization !== 'Bearer tok-123')
        return reply(res, 401, { 'www-authenticate': `Bearer realm="${realm}",service="s"` });
      reply(res, 200, {}, 'manifest body');
    });
    const proxy = await startFaultProxy(upstream.origin, [
      failGets('/token', { kind: 'drop', afterBytes: 5 }),
    ]);
    t.after(() => proxy.close());
    realm = `${proxy.url}/token`;
    const { slept, sleep } = fakeSleep();
    const transport = new RegistryTransport({ registry: proxy.host, sleep });
    t.after(() => transport.close());
    const res = await transport.read({
      method: 'GET',
      path: '/v2/a/manifests/1',
      scope: 'repository:a:pull',
    });
    assert.equal(res.bytes.toString(), 'manifest body');
    assert.deepEqual(
      proxy.requests.filter((r) => r.path.startsWith('/token')).map((r) => r.fault),
      ['drop', undefined],
    );
    assert.deepEqual(slept, [250]);
  });
});
