// The memory registry's distribution API without auth: push (monolithic, and chunked with three PATCHes)
// and pull of a small image with plain fetch, digest and Content-Range checks, mount, manifests by tag and
// digest, deletes, ranged blob reads, tag pagination with Link, and the referrers API on and off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MemoryRegistry, startMemoryRegistry } from '../../src/testing/memory-registry.ts';
import {
  blob,
  bodyDigest,
  errorCode,
  OCI_INDEX,
  OCI_MANIFEST,
  pushImage,
  pushMonolithic,
  putManifest,
  smallImage,
} from './registry-fixtures.ts';

describe('memory registry: push and pull', () => {
  let reg: MemoryRegistry;
  before(async () => {
    reg = await startMemoryRegistry();
  });
  after(() => reg.close());

  it('answers GET /v2/ with 200 and the API version header', async () => {
    const res = await fetch(`${reg.url}/v2/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.equal(reg.host, new URL(reg.url).host);
  });

  it('pushes monolithically and pulls the image back byte-exact', async () => {
    const img = smallImage('mono');
    const head = await fetch(`${reg.url}/v2/app/blobs/${img.config.digest}`, { method: 'HEAD' });
    assert.equal(head.status, 404, 'HEAD before push');
    await pushImage(reg.url, 'app', img, 'v1');
    const m = await fetch(`${reg.url}/v2/app/manifests/v1`, { headers: { Accept: OCI_MANIFEST } });
    assert.equal(m.status, 200);
    assert.equal(m.headers.get('content-type'), OCI_MANIFEST);
    assert.equal(m.headers.get('docker-content-digest'), img.manifest.digest);
    assert.equal(await bodyDigest(m), img.manifest.digest);
    for (const b of [img.config, ...img.layers]) {
      const h = await fetch(`${reg.url}/v2/app/blobs/${b.digest}`, { method: 'HEAD' });
      assert.equal(h.status, 200);
      assert.equal(h.headers.get('content-length'), String(b.bytes.length));
      assert.equal(h.headers.get('docker-content-digest'), b.digest);
      const g = await fetch(`${reg.url}/v2/app/blobs/${b.digest}`);
      assert.deepEqual(Buffer.from(await g.arrayBuffer()), b.bytes);
    }
    assert.deepEqual(reg.manifests.get('app')?.get(img.manifest.digest)?.bytes, img.manifest.bytes);
  });

  it('pushes a blob in three PATCH chunks, reports progress, and closes with PUT ?digest=', async () => {
    const data = blob(Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'.repeat(10)));
    const post = await fetch(`${reg.url}/v2/chunked/blobs/uploads/`, { method: 'POST' });
    assert.equal(post.status, 202);
    let location = new URL(post.headers.get('location')!, post.url).href;
    const cuts = [0, 100, 250, data.bytes.length];
    for (let i = 0; i < 3; i++) {
      const part = data.bytes.subarray(cuts[i], cuts[i + 1]);
      const res = await fetch(location, {
        method: 'PATCH',
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Range': `${cuts[i]}-${cuts[i + 1]! - 1}`,
        },
        body: part,
      });
      assert.equal(res.status, 202, `PATCH ${i + 1} = ${res.status}`);
      assert.equal(res.headers.get('range'), `0-${cuts[i + 1]! - 1}`);
      location = new URL(res.headers.get('location')!, res.url).href;
    }
    const status = await fetch(location);
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), `0-${data.bytes.length - 1}`);
    const put = await fetch(`${location}?digest=${data.digest}`, { method: 'PUT' });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('location'), `/v2/chunked/blobs/${data.digest}`);
    assert.deepEqual(reg.blobs.get(data.digest), data.bytes);
  });

  it('refuses content that does not match the digest (400 DIGEST_INVALID), monolithic and on PUT', async () => {
    const wrong = blob('something else').digest;
    const post = await fetch(`${reg.url}/v2/app/blobs/uploads/?digest=${wrong}`, {
      method: 'POST',
      body: 'data',
    });
    assert.equal(post.status, 400);
    assert.equal(await errorCode(post), 'DIGEST_INVALID');
    const start = await fetch(`${reg.url}/v2/app/blobs/uploads/`, { method: 'POST' });
    const loc = new URL(start.headers.get('location')!, reg.url);
    loc.searchParams.set('digest', wrong);
    const put = await fetch(loc, { method: 'PUT', body: 'data' });
    assert.equal(put.status, 400);
    assert.equal(await errorCode(put), 'DIGEST_INVALID');
    assert.equal(reg.blobs.has(wrong), false);
  });

  it('answers 416 to a chunk that leaves a gap, and keeps the session usable', async () => {
    const start = await fetch(`${reg.url}/v2/app/blobs/uploads/`, { method: 'POST' });
    const loc = new URL(start.headers.get('location')!, reg.url).href;
    const first = await fetch(loc, { method: 'PATCH', headers: { 'Content-Range': '0-3' }, body: 'abcd' });
    assert.equal(first.status, 202);
    const gap = await fetch(loc, { method: 'PATCH', headers: { 'Content-Range': '10-13' }, body: 'efgh' });
    assert.equal(gap.status, 416);
    assert.equal(gap.headers.get('range'), '0-3');
    assert.equal(await errorCode(gap), 'BLOB_UPLOAD_INVALID');
    const retried = await fetch(loc, { method: 'PATCH', headers: { 'Content-Range': '0-3' }, body: 'abcd' });
    assert.equal(retried.status, 416, 'a retried first chunk overlaps');
    const next = await fetch(loc, { method: 'PATCH', headers: { 'Content-Range': '4-7' }, body: 'efgh' });
    assert.equal(next.status, 202);
    const put = await fetch(`${loc}?digest=${blob('abcdefgh').digest}`, { method: 'PUT' });
    assert.equal(put.status, 201);
  });

  it('mounts an existing blob (201) and opens a session for a missing one (202)', async () => {
    const b = blob('mount me');
    await pushMonolithic(reg.url, 'source', b);
    const ok = await fetch(`${reg.url}/v2/target/blobs/uploads/?mount=${b.digest}&from=source`, {
      method: 'POST',
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get('location'), `/v2/target/blobs/${b.digest}`);
    const missing = blob('never pushed').digest;
    const no = await fetch(`${reg.url}/v2/target/blobs/uploads/?mount=${missing}&from=source`, {
      method: 'POST',
    });
    assert.equal(no.status, 202);
    assert.match(no.headers.get('location') ?? '', /^\/v2\/target\/blobs\/uploads\/[0-9a-f-]{36}$/);
  });

  it('stores manifests by tag and by digest, verifies a digest reference, and deletes', async () => {
    const img = smallImage('bydigest');
    for (const b of [img.config, ...img.layers]) await pushMonolithic(reg.url, 'm', b);
    const wrong = await fetch(`${reg.url}/v2/m/manifests/${blob('x').digest}`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST },
      body: img.manifest.bytes,
    });
    assert.equal(wrong.status, 400);
    assert.equal(await errorCode(wrong), 'DIGEST_INVALID');
    await putManifest(reg.url, 'm', img.manifest.digest, img.manifest);
    await putManifest(reg.url, 'm', 'latest', img.manifest);
    for (const ref of ['latest', img.manifest.digest]) {
      const head = await fetch(`${reg.url}/v2/m/manifests/${ref}`, { method: 'HEAD' });
      assert.equal(head.status, 200, `HEAD ${ref}`);
      assert.equal(head.headers.get('docker-content-digest'), img.manifest.digest);
    }
    assert.equal((await fetch(`${reg.url}/v2/m/manifests/nope`)).status, 404);
    const del = await fetch(`${reg.url}/v2/m/manifests/${img.manifest.digest}`, { method: 'DELETE' });
    assert.equal(del.status, 202);
    const gone = await fetch(`${reg.url}/v2/m/manifests/latest`);
    assert.equal(gone.status, 404, 'deleting by digest removes its tags');
    assert.equal(await errorCode(gone), 'MANIFEST_UNKNOWN');
  });

  it('rejects a manifest whose blobs are missing or whose Content-Type contradicts mediaType', async () => {
    const img = smallImage('orphan');
    const res = await fetch(`${reg.url}/v2/orphan/manifests/v1`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST },
      body: img.manifest.bytes,
    });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), 'MANIFEST_BLOB_UNKNOWN');
    const clash = await fetch(`${reg.url}/v2/orphan/manifests/v1`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_INDEX },
      body: img.manifest.bytes,
    });
    assert.equal(await errorCode(clash), 'MANIFEST_INVALID');
  });

  it('serves byte ranges and deletes blobs', async () => {
    const b = blob('0123456789');
    await pushMonolithic(reg.url, 'r', b);
    const part = await fetch(`${reg.url}/v2/r/blobs/${b.digest}`, { headers: { Range: 'bytes=2-5' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 2-5/10');
    assert.equal(await part.text(), '2345');
    const del = await fetch(`${reg.url}/v2/r/blobs/${b.digest}`, { method: 'DELETE' });
    assert.equal(del.status, 202);
    const gone = await fetch(`${reg.url}/v2/r/blobs/${b.digest}`);
    assert.equal(gone.status, 404);
    assert.equal(await errorCode(gone), 'BLOB_UNKNOWN');
  });
});

describe('memory registry: tags pagination', () => {
  it('pages tags in lexical order with Link headers until none remain', async () => {
    const reg = await startMemoryRegistry({ pageSize: 2 });
    try {
      const img = smallImage('tags');
      const tags = ['e', 'a', 'd', 'b', 'c'];
      for (const t of tags) await pushImage(reg.url, 'paged', img, t);
      const seen: string[] = [];
      let next: string | undefined = `${reg.url}/v2/paged/tags/list`;
      for (let i = 0; next && i < 10; i++) {
        const res: Response = await fetch(next);
        assert.equal(res.status, 200);
        seen.push(...((await res.json()) as { tags: string[] }).tags);
        const link = res.headers.get('link');
        next = link ? new URL(/^<([^>]+)>;\s*rel="next"$/.exec(link)![1]!, res.url).href : undefined;
      }
      assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
      const n1 = await fetch(`${reg.url}/v2/paged/tags/list?n=1&last=b`);
      assert.deepEqual(((await n1.json()) as { tags: string[] }).tags, ['c']);
      assert.equal(n1.headers.get('link'), '</v2/paged/tags/list?n=1&last=c>; rel="next"');
      const zero = await fetch(`${reg.url}/v2/paged/tags/list?n=0`);
      assert.deepEqual(((await zero.json()) as { tags: string[] }).tags, []);
      assert.equal(zero.headers.get('link'), null);
      assert.equal((await fetch(`${reg.url}/v2/unknown/tags/list`)).status, 404);
      const catalog = await fetch(`${reg.url}/v2/_catalog`);
      assert.deepEqual(await catalog.json(), { repositories: ['paged'] });
    } finally {
      await reg.close();
    }
  });
});

describe('memory registry: referrers', () => {
  async function pushWithReferrer(reg: MemoryRegistry) {
    const img = smallImage('subject');
    await pushImage(reg.url, 'ref', img, 'v1');
    const subject = { mediaType: OCI_MANIFEST, digest: img.manifest.digest, size: img.manifest.bytes.length };
    const sig = smallImage('sig', {
      artifactType: 'application/example.sig',
      subject,
      annotations: { a: 'b' },
    });
    for (const b of [sig.config, ...sig.layers]) await pushMonolithic(reg.url, 'ref', b);
    const res = await putManifest(reg.url, 'ref', sig.manifest.digest, sig.manifest);
    return { img, sig, res };
  }

  it('lists referrers, filters by artifactType, and sends OCI-Subject on push', async () => {
    const reg = await startMemoryRegistry();
    try {
      const { img, sig, res } = await pushWithReferrer(reg);
      assert.equal(res.headers.get('oci-subject'), img.manifest.digest);
      const all = await fetch(`${reg.url}/v2/ref/referrers/${img.manifest.digest}`);
      assert.equal(all.status, 200);
      assert.equal(all.headers.get('content-type'), OCI_INDEX);
      const index = (await all.json()) as { manifests: Record<string, unknown>[] };
      assert.deepEqual(index.manifests, [
        {
          mediaType: OCI_MANIFEST,
          digest: sig.manifest.digest,
          size: sig.manifest.bytes.length,
          artifactType: 'application/example.sig',
          annotations: { a: 'b' },
        },
      ]);
      const none = await fetch(`${reg.url}/v2/ref/referrers/${img.manifest.digest}?artifactType=other/type`);
      assert.equal(none.headers.get('oci-filters-applied'), 'artifactType');
      assert.deepEqual(((await none.json()) as { manifests: unknown[] }).manifests, []);
      const zero = await fetch(`${reg.url}/v2/ref/referrers/sha256:${'0'.repeat(64)}`);
      assert.equal(zero.status, 200, 'the zero-digest probe');
    } finally {
      await reg.close();
    }
  });

  it('answers 404 when referrers are off, and sends no OCI-Subject', async () => {
    const reg = await startMemoryRegistry({ referrers: false });
    try {
      const { img, res } = await pushWithReferrer(reg);
      assert.equal(res.headers.get('oci-subject'), null);
      const probe = await fetch(`${reg.url}/v2/ref/referrers/${img.manifest.digest}`);
      assert.equal(probe.status, 404);
    } finally {
      await reg.close();
    }
  });
});
