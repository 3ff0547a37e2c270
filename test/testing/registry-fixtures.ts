// Fixtures for the memory registry tests: a small generated image (config, two layers, manifest, raw bytes
// and digests) and plain-fetch helpers for the push steps, so each test states only what it checks.
import assert from 'node:assert/strict';
import { sha256 } from '../../src/util/index.ts';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

export interface BlobFixture {
  bytes: Buffer;
  digest: string;
}

export interface ImageFixture {
  config: BlobFixture;
  layers: BlobFixture[];
  manifest: BlobFixture;
}

export const blob = (content: string | Buffer): BlobFixture => {
  const bytes = Buffer.from(content);
  return { bytes, digest: sha256(bytes) };
};

/** A small image whose layers are random bytes (`seed` varies the config). */
export function smallImage(seed = 'a', extra: Record<string, unknown> = {}): ImageFixture {
  const config = blob(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layers = [blob(Buffer.from(`layer one ${seed}`.repeat(40))), blob(Buffer.from(`layer two ${seed}`))];
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.bytes.length },
      layers: layers.map((l) => ({
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: l.digest,
        size: l.bytes.length,
      })),
      ...extra,
    }),
  );
  return { config, layers, manifest };
}

/** Pushes a blob with one POST ?digest= and asserts 201. */
export async function pushMonolithic(
  base: string,
  repo: string,
  b: BlobFixture,
  headers = {},
): Promise<void> {
  const res = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${b.digest}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', ...headers },
    body: b.bytes,
  });
  assert.equal(res.status, 201, `POST ?digest= = ${res.status} ${await res.text()}`);
  assert.equal(res.headers.get('docker-content-digest'), b.digest);
}

/** PUTs a manifest by tag or digest and asserts 201; returns the response. */
export async function putManifest(
  base: string,
  repo: string,
  ref: string,
  m: BlobFixture,
  mediaType = OCI_MANIFEST,
  headers = {},
): Promise<Response> {
  const res = await fetch(`${base}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { 'Content-Type': mediaType, ...headers },
    body: m.bytes,
  });
  assert.equal(res.status, 201, `PUT manifest ${ref} = ${res.status} ${await res.clone().text()}`);
  return res;
}

/** Pushes the whole image monolithically and tags it. */
export async function pushImage(base: string, repo: string, img: ImageFixture, tag: string): Promise<void> {
  for (const b of [img.config, ...img.layers]) await pushMonolithic(base, repo, b);
  await putManifest(base, repo, tag, img.manifest);
}

/** The first error code of an OCI error body. */
export async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { errors?: { code: string }[] };
  return body.errors?.[0]?.code;
}

/** sha256 of a response body. */
export async function bodyDigest(res: Response): Promise<string> {
  return sha256(Buffer.from(await res.arrayBuffer()));
}
